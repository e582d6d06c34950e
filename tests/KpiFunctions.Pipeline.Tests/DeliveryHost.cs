using KpiFunctions.Pipeline.Orchestration;
using KpiFunctions.Storage.Queues;

namespace KpiFunctions.Pipeline.Tests;

/// <summary>
/// Plays the Functions host's part over real queues: receives from every step queue, hands each delivery to its step,
/// sends the step's output messages and deletes the delivery when the step succeeded. A failed delivery becomes
/// visible again, and goes to &lt;queue&gt;-poison once it has been dequeued <see cref="MaxDequeueCount"/> times.
/// Faults on request: output messages sent twice, batches handled in shuffled order or all at once, a message
/// delivered twice at the same moment (a visibility lapse), a step that dies after its work but before its outputs
/// and delete (so it is delivered again).
/// </summary>
internal sealed class DeliveryHost(IQueueStore queues, RunSteps steps)
{
    private int _deliveries;
    private int _twins;

    public int MaxDequeueCount { get; init; } = 5;

    /// <summary>Share of output messages sent twice.</summary>
    public double DuplicateShare { get; init; }

    public bool Shuffle { get; init; }

    /// <summary>Handles each received batch's deliveries concurrently, as the host does (batchSize).</summary>
    public bool Concurrent { get; init; }

    /// <summary>Decides, per delivery, whether it is handed to its step twice at the same moment.</summary>
    public Func<string, QueueMessage, bool> Twin { get; init; } = (_, _) => false;

    public Random Random { get; init; } = new(7);

    /// <summary>Decides, per delivery, whether the step dies after its work (nothing sent, nothing deleted).</summary>
    public Func<string, QueueMessage, bool> DiesAfterWork { get; init; } = (_, _) => false;

    public int Deliveries => _deliveries;

    /// <summary>How many deliveries were handed over twice at once.</summary>
    public int Twins => _twins;

    public System.Collections.Concurrent.ConcurrentQueue<string> Log { get; } = new();

    /// <summary>Starts a run the way the DailyRun function does: its fetch messages go to the fetch queue.</summary>
    public async Task<string> StartAsync(Steps.RunRequest request)
    {
        foreach (var queue in QueueNames.All)
        {
            await queues.CreateQueueIfNotExistsAsync(queue);
        }

        var started = await steps.StartAsync(request);
        await steps.DispatchAsync(started);
        return started.Header.RunId;
    }

    /// <summary>Delivers until every queue has been empty twice in a row.</summary>
    public async Task DeliverAllAsync()
    {
        for (var idle = 0; idle < 2;)
        {
            var any = false;
            foreach (var queue in QueueNames.All)
            {
                var batch = (await queues.ReceiveAsync(queue, 32, TimeSpan.FromMinutes(5))).ToList();
                if (Shuffle)
                {
                    batch = [.. batch.OrderBy(_ => Random.Next())];
                }

                any |= batch.Count > 0;
                if (Concurrent)
                {
                    await Task.WhenAll(batch.Select(m => Task.Run(() => DeliverAsync(queue, m))));
                    continue;
                }

                foreach (var message in batch)
                {
                    await DeliverAsync(queue, message);
                }
            }

            idle = any ? 0 : idle + 1;
        }
    }

    private async Task DeliverAsync(string queue, QueueMessage message)
    {
        if (Twin(queue, message))
        {
            // The same message in two deliveries at once; the twin's outcome is a second, independent delivery.
            Interlocked.Increment(ref _twins);
            var twin = Task.Run(() => RunOnceAsync(queue, message, twin: true));
            await RunOnceAsync(queue, message, twin: false);
            await twin;
            return;
        }

        await RunOnceAsync(queue, message, twin: false);
    }

    private async Task RunOnceAsync(string queue, QueueMessage message, bool twin)
    {
        Interlocked.Increment(ref _deliveries);
        IReadOnlyList<(string Queue, string Text)> outputs;
        try
        {
            outputs = await RunStepAsync(queue, message);
        }
        catch (Exception ex) when (twin && ex is not OperationCanceledException)
        {
            Log.Enqueue($"{queue} #{message.DequeueCount} (twin) failed: {ex.Message}");
            return;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.Enqueue($"{queue} #{message.DequeueCount} failed: {ex.Message}");
            if (message.DequeueCount >= MaxDequeueCount)
            {
                await queues.CreateQueueIfNotExistsAsync(queue + "-poison");
                await queues.SendAsync(queue + "-poison", message.Text);
                await queues.DeleteAsync(queue, message);
            }
            else
            {
                await queues.SetVisibilityAsync(queue, message, TimeSpan.Zero);
            }

            return;
        }

        if (DiesAfterWork(queue, message))
        {
            Log.Enqueue($"{queue} #{message.DequeueCount} died after its work");
            await queues.SetVisibilityAsync(queue, message, TimeSpan.Zero);
            return;
        }

        foreach (var (target, text) in outputs)
        {
            await queues.SendAsync(target, text);
            bool again;
            lock (Random)
            {
                again = Random.NextDouble() < DuplicateShare;
            }

            if (again)
            {
                await queues.SendAsync(target, text);
            }
        }

        if (twin)
        {
            return; // the twin's message is the same one: the first delivery deletes it
        }

        Assert.True(await queues.DeleteAsync(queue, message));
    }

    private async Task<IReadOnlyList<(string Queue, string Text)>> RunStepAsync(string queue, QueueMessage message)
    {
        try
        {
            switch (queue)
            {
                case QueueNames.Fetch:
                    var fetched = await steps.FetchAsync(StepMessages.ReadFetch(message.Text));
                    return fetched.Next is { } compute ? [(QueueNames.Compute, StepMessages.Write(compute))] : [];
                case QueueNames.FetchPoison:
                    return await steps.FailStoreAsync(StepMessages.ReadFetch(message.Text)) is { } afterPoison ? [(QueueNames.Compute, StepMessages.Write(afterPoison))] : [];
                case QueueNames.Compute:
                    var (_, publish) = await steps.ComputeAsync(StepMessages.ReadCompute(message.Text));
                    return publish is null ? [] : [(QueueNames.Publish, StepMessages.Write(publish))];
                case QueueNames.ComputePoison:
                    await steps.FailComputeAsync(StepMessages.ReadCompute(message.Text));
                    return [];
                case QueueNames.Publish:
                    await steps.PublishAsync(StepMessages.ReadPublish(message.Text));
                    return [];
                case QueueNames.PublishPoison:
                    await steps.FailPublishAsync(StepMessages.ReadPublish(message.Text));
                    return [];
                default:
                    throw new InvalidOperationException($"No step reads queue {queue}.");
            }
        }
        catch (StepBusyException busy)
        {
            // As the handler does: sent again to be seen when the lease runs out; this delivery is done.
            Log.Enqueue($"{queue} #{message.DequeueCount} busy: {busy.Message}");
            await queues.SendAsync(busy.Queue, busy.Text, busy.RetryAfter);
            return [];
        }
    }
}
