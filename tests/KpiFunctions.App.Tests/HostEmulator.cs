using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KpiFunctions.Storage.Queues;
using KpiFunctions.Tests.Shared;

namespace KpiFunctions.App.Tests;

/// <summary>
/// Plays the Functions host in front of the handler, from the repo's own host.json and app/*/function.json: polls
/// each queue a function triggers on, receives batches of host.json's batchSize and hands them to the handler over
/// HTTP concurrently, in the host's invocation envelope (the message JSON-encoded once more, digest 0.1); on a 200 it
/// sends each queue output (a JSON array, one message per element) to the queue its binding names and deletes the
/// message; on anything else the message becomes visible again, and goes to &lt;queue&gt;-poison once it has been
/// dequeued maxDequeueCount times. Faults on request: outputs sent twice, a message handed over twice at the same
/// moment, an invocation whose work is done but whose host dies before it sends the outputs and deletes the message.
/// </summary>
internal sealed class HostEmulator
{
    private readonly HttpClient _handler;
    private readonly IQueueStore _queues;
    private readonly Dictionary<string, (string Function, Dictionary<string, string> Outputs)> _byQueue = new(StringComparer.Ordinal);
    private readonly Random _random;
    private int _invocations;
    private int _twins;

    public HostEmulator(HttpClient handler, IQueueStore queues, int seed)
    {
        _handler = handler;
        _queues = queues;
        _random = new Random(seed);
        var root = RepoRoot.Find();
        var host = JsonNode.Parse(File.ReadAllText(Path.Combine(root, "host.json")))!["extensions"]!["queues"]!;
        BatchSize = host["batchSize"]!.GetValue<int>();
        MaxDequeueCount = host["maxDequeueCount"]!.GetValue<int>();
        foreach (var folder in Directory.GetDirectories(Path.Combine(root, "app")))
        {
            var bindings = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "function.json")))!["bindings"]!.AsArray();
            var trigger = bindings.Single(b => b!["direction"]!.GetValue<string>() == "in")!;
            if (trigger["type"]!.GetValue<string>() != "queueTrigger")
            {
                continue;
            }

            var outputs = bindings.Where(b => b!["direction"]!.GetValue<string>() == "out" && b["type"]!.GetValue<string>() == "queue")
                .ToDictionary(b => b!["name"]!.GetValue<string>(), b => b!["queueName"]!.GetValue<string>(), StringComparer.Ordinal);
            _byQueue.Add(trigger["queueName"]!.GetValue<string>(), (Path.GetFileName(folder), outputs));
        }
    }

    public int BatchSize { get; }

    public int MaxDequeueCount { get; }

    /// <summary>Share of queue outputs sent twice.</summary>
    public double DuplicateShare { get; init; }

    /// <summary>Decides, per delivery, whether the message is handed to the handler twice at the same moment (a visibility lapse).</summary>
    public Func<string, QueueMessage, bool> Twin { get; init; } = (_, _) => false;

    /// <summary>Decides, per delivery, whether the host dies after the handler answered (no outputs sent, message not deleted).</summary>
    public Func<string, QueueMessage, bool> DiesAfterWork { get; init; } = (_, _) => false;

    public IReadOnlyCollection<string> TriggerQueues => _byQueue.Keys;

    public int Invocations => _invocations;

    public int Twins => _twins;

    public ConcurrentQueue<string> Log { get; } = new();

    /// <summary>An HTTP-triggered function called the way the host calls it; returns the res output's status and body.</summary>
    public async Task<(int Status, JsonNode Body)> HttpAsync(string function, string method, string url, string? body, IReadOnlyDictionary<string, string>? routeValues = null)
    {
        var answer = await InvokeAsync(function, new JsonObject
        {
            ["Data"] = new JsonObject
            {
                ["req"] = new JsonObject
                {
                    ["Url"] = url,
                    ["Method"] = method,
                    ["Query"] = new JsonObject { ["code"] = "function-key" },
                    ["Headers"] = new JsonObject { ["Content-Type"] = new JsonArray("application/json") },
                    ["Params"] = new JsonObject([.. (routeValues ?? new Dictionary<string, string>()).Select(p => new KeyValuePair<string, JsonNode?>(p.Key, p.Value))]),
                    ["Identities"] = new JsonArray(),
                    ["Body"] = body,
                },
            },
            ["Metadata"] = Sys(function),
        });
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var res = answer.Body!["Outputs"]!["res"]!;
        return (int.Parse(res["statusCode"]!.GetValue<string>(), CultureInfo.InvariantCulture), JsonNode.Parse(res["body"]!.GetValue<string>())!);
    }

    /// <summary>A timer-triggered function fired the way the host fires it; its answer must be a 200.</summary>
    public async Task<JsonNode> TimerAsync(string function)
    {
        var answer = await InvokeAsync(function, new JsonObject
        {
            ["Data"] = new JsonObject { ["timer"] = new JsonObject { ["Schedule"] = new JsonObject { ["AdjustForDST"] = true }, ["ScheduleStatus"] = null, ["IsPastDue"] = false } },
            ["Metadata"] = Sys(function),
        });
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        return answer.Body!;
    }

    /// <summary>Delivers until every trigger queue has been found empty twice in a row.</summary>
    public async Task DeliverAllAsync()
    {
        for (var idle = 0; idle < 2;)
        {
            var any = false;
            foreach (var queue in _byQueue.Keys)
            {
                var batch = await _queues.ReceiveAsync(queue, BatchSize, TimeSpan.FromMinutes(10));
                any |= batch.Count > 0;
                await Task.WhenAll(batch.Select(m => Task.Run(() => DeliverAsync(queue, m))));
            }

            idle = any ? 0 : idle + 1;
        }
    }

    private async Task DeliverAsync(string queue, QueueMessage message)
    {
        if (!Twin(queue, message))
        {
            await InvokeQueueAsync(queue, message, isTwin: false);
            return;
        }

        Interlocked.Increment(ref _twins);
        var other = Task.Run(() => InvokeQueueAsync(queue, message, isTwin: true));
        await InvokeQueueAsync(queue, message, isTwin: false);
        await other;
    }

    private async Task InvokeQueueAsync(string queue, QueueMessage message, bool isTwin)
    {
        var (function, outputs) = _byQueue[queue];
        var answer = await InvokeAsync(function, new JsonObject
        {
            // The host hands a string message over JSON-encoded once more (digest 0.1).
            ["Data"] = new JsonObject { ["message"] = JsonSerializer.Serialize(message.Text) },
            ["Metadata"] = new JsonObject
            {
                ["DequeueCount"] = message.DequeueCount.ToString(CultureInfo.InvariantCulture),
                ["Id"] = message.MessageId,
                ["PopReceipt"] = message.PopReceipt,
                ["sys"] = Sys(function)["sys"]!.DeepClone(),
            },
        });
        var logs = answer.Body?["Logs"]?.AsArray().Select(l => l!.GetValue<string>()) ?? [];
        Log.Enqueue($"{function} #{message.DequeueCount}{(isTwin ? " (twin)" : "")}: {(int)answer.Status} {string.Join(" | ", logs)}");
        if (isTwin)
        {
            // The same message: whatever the twin answered, its outputs go out; the first delivery settles the message.
            if (answer.Status == HttpStatusCode.OK)
            {
                await SendOutputsAsync(answer.Body!, outputs);
            }

            return;
        }

        if (answer.Status != HttpStatusCode.OK)
        {
            if (message.DequeueCount >= MaxDequeueCount)
            {
                await _queues.SendAsync(queue + "-poison", message.Text);
                await _queues.DeleteAsync(queue, message);
            }
            else
            {
                await _queues.SetVisibilityAsync(queue, message, TimeSpan.Zero);
            }

            return;
        }

        if (DiesAfterWork(queue, message))
        {
            Log.Enqueue($"{function} #{message.DequeueCount}: the host died after the handler answered");
            await _queues.SetVisibilityAsync(queue, message, TimeSpan.Zero);
            return;
        }

        await SendOutputsAsync(answer.Body!, outputs);
        Assert.True(await _queues.DeleteAsync(queue, message));
    }

    private async Task SendOutputsAsync(JsonNode answer, Dictionary<string, string> outputs)
    {
        foreach (var (binding, value) in answer["Outputs"]!.AsObject())
        {
            // Every queue output is an array of message texts (digest 0.2), for a binding function.json declares.
            var target = outputs[binding];
            foreach (var text in Assert.IsType<JsonArray>(value).Select(m => m!.GetValue<string>()))
            {
                await _queues.SendAsync(target, text);
                bool again;
                lock (_random)
                {
                    again = _random.NextDouble() < DuplicateShare;
                }

                if (again)
                {
                    await _queues.SendAsync(target, text);
                }
            }
        }
    }

    private async Task<(HttpStatusCode Status, JsonNode? Body)> InvokeAsync(string function, JsonObject payload)
    {
        Interlocked.Increment(ref _invocations);
        using var content = new StringContent(payload.ToJsonString(), Encoding.UTF8, "application/json");
        using var answer = await _handler.PostAsync(new Uri("/" + function, UriKind.Relative), content);
        var text = await answer.Content.ReadAsStringAsync();
        return (answer.StatusCode, text.Length > 0 ? JsonNode.Parse(text) : null);
    }

    private static JsonObject Sys(string function) => new()
    {
        ["sys"] = new JsonObject
        {
            ["MethodName"] = function,
            ["UtcNow"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["RandGuid"] = Guid.NewGuid().ToString(),
        },
    };
}
