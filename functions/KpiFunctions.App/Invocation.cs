using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KpiFunctions.App;

/// <summary>
/// What the Functions host posts to a custom handler: <c>{"Data": {binding: value}, "Metadata": {...}}</c>
/// (reference digest A4), with the host's encoding quirks undone.
/// </summary>
public sealed class Invocation
{
    private readonly JsonElement _data;

    private Invocation(JsonElement data) => _data = data;

    /// <summary>Reads a request body; anything that is not the host's envelope fails saying what was expected.</summary>
    public static Invocation Parse(ReadOnlySpan<byte> body)
    {
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(body.ToArray()).RootElement;
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException("The invocation body is not JSON; the host sends {\"Data\": {...}, \"Metadata\": {...}}: " + ex.Message, ex);
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException("The invocation body is not a JSON object with Data and Metadata.");
        }

        // Metadata (DequeueCount, sys, ...) is not needed: the run ledger counts attempts itself.
        return new Invocation(root.TryGetProperty("Data", out var data) && data.ValueKind == JsonValueKind.Object ? data : default);
    }

    /// <summary>
    /// The text a queue trigger delivered under <paramref name="binding"/>. The host JSON-encodes string values once
    /// more before sending (digest 0.1), so a string that is itself a JSON string literal is decoded again; an object
    /// (a message the host parsed as JSON) comes back as its JSON text.
    /// </summary>
    public string QueueText(string binding)
    {
        if (_data.ValueKind != JsonValueKind.Object || !_data.TryGetProperty(binding, out var value))
        {
            throw new InvalidDataException($"The invocation has no Data.{binding} (the queue message).");
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                var text = value.GetString()!;
                if (text.Length >= 2 && text[0] == '"' && text[^1] == '"')
                {
                    try
                    {
                        return JsonSerializer.Deserialize<string>(text) ?? "";
                    }
                    catch (JsonException)
                    {
                        return text;
                    }
                }

                return text;
            case JsonValueKind.Object or JsonValueKind.Array:
                return value.GetRawText();
            default:
                throw new InvalidDataException($"Data.{binding} is a JSON {value.ValueKind}, not a queue message.");
        }
    }

    /// <summary>An HTTP trigger's request under <paramref name="binding"/>: method, query and body (digest A4).</summary>
    public HttpInvocation Http(string binding)
    {
        if (_data.ValueKind != JsonValueKind.Object || !_data.TryGetProperty(binding, out var request) || request.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"The invocation has no Data.{binding} (the HTTP request).");
        }

        string? Text(string name) => request.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var query = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (request.TryGetProperty("Query", out var q) && q.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in q.EnumerateObject().Where(p => p.Value.ValueKind != JsonValueKind.Null))
            {
                query[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
            }
        }

        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (request.TryGetProperty("Params", out var routeValues) && routeValues.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in routeValues.EnumerateObject().Where(p => p.Value.ValueKind != JsonValueKind.Null))
            {
                parameters[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
            }
        }

        return new HttpInvocation((Text("Method") ?? "GET").ToUpperInvariant(), query, parameters, Text("Body"))
        {
            Url = Uri.TryCreate(Text("Url"), UriKind.Absolute, out var url) ? url : null,
        };
    }
}

/// <summary>An HTTP trigger's request as the host forwards it.</summary>
/// <param name="Method">HTTP method, upper case.</param>
/// <param name="Query">Query parameters.</param>
/// <param name="Params">Route values.</param>
/// <param name="Body">The body as text, or null.</param>
public sealed record HttpInvocation(string Method, IReadOnlyDictionary<string, string> Query, IReadOnlyDictionary<string, string> Params, string? Body)
{
    /// <summary>The request's absolute URL, as the client called the host (null when the host sent none).</summary>
    public Uri? Url { get; init; }
}

/// <summary>
/// What a custom handler answers: <c>{"Outputs": {binding: value}, "Logs": [...], "ReturnValue": null}</c> (digest
/// A5). Queue outputs are always JSON arrays of message texts: one message per element, and never a bare string the
/// host might take for base64 (digest 0.2).
/// </summary>
public sealed class InvocationResult
{
    private readonly JsonObject _outputs = [];
    private readonly JsonArray _logs = [];

    /// <summary>Sets a queue output: one message per text (an empty list sends none).</summary>
    public InvocationResult Queue(string binding, IEnumerable<string> messages)
    {
        _outputs[binding] = new JsonArray([.. messages.Select(m => (JsonNode)JsonValue.Create(m))]);
        return this;
    }

    /// <summary>Sets an HTTP output (status, JSON body).</summary>
    public InvocationResult Http(string binding, int status, JsonNode body, IReadOnlyDictionary<string, string>? headers = null)
    {
        var h = new JsonObject { ["Content-Type"] = "application/json" };
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            h[name] = value;
        }

        _outputs[binding] = new JsonObject
        {
            ["statusCode"] = status.ToString(CultureInfo.InvariantCulture),
            ["headers"] = h,
            ["body"] = body.ToJsonString(),
        };
        return this;
    }

    /// <summary>Adds a line to the invocation's log (never a secret).</summary>
    public InvocationResult Log(string line)
    {
        _logs.Add(line);
        return this;
    }

    /// <summary>The answer's JSON.</summary>
    public string ToJson() => new JsonObject { ["Outputs"] = _outputs.DeepClone(), ["Logs"] = _logs.DeepClone(), ["ReturnValue"] = null }.ToJsonString();
}
