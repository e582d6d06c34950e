using System.Text.Json;
using KpiFunctions.Pipeline.Steps;

namespace KpiFunctions.Pipeline.Orchestration;

/// <summary>A run's compute step, sent once its fetches are all finished.</summary>
/// <param name="RunId">Run id.</param>
public sealed record ComputeMessage(string RunId);

/// <summary>A run's publish step, sent once its KPIs are written.</summary>
/// <param name="RunId">Run id.</param>
public sealed record PublishMessage(string RunId);

/// <summary>The JSON of the step messages (camelCase, dates as yyyy-MM-dd), and clear errors for anything else.</summary>
public static class StepMessages
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>A message as queue text.</summary>
    public static string Write<T>(T message) => JsonSerializer.Serialize(message, Json);

    /// <summary>Reads a fetch message; anything else fails naming the queue and what was wrong.</summary>
    public static FetchStoreMessage ReadFetch(string text) =>
        Read<FetchStoreMessage>(text, QueueNames.Fetch, m => !string.IsNullOrWhiteSpace(m.RunId) && !string.IsNullOrWhiteSpace(m.StoreId) && m.From != default && m.To >= m.From,
            "runId, storeId, from and to (yyyy-MM-dd, from <= to)");

    /// <summary>Reads a compute message.</summary>
    public static ComputeMessage ReadCompute(string text) =>
        Read<ComputeMessage>(text, QueueNames.Compute, m => !string.IsNullOrWhiteSpace(m.RunId), "runId");

    /// <summary>Reads a publish message.</summary>
    public static PublishMessage ReadPublish(string text) =>
        Read<PublishMessage>(text, QueueNames.Publish, m => !string.IsNullOrWhiteSpace(m.RunId), "runId");

    private static T Read<T>(string text, string queue, Func<T, bool> complete, string fields)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(text);
        T? message;
        try
        {
            message = JsonSerializer.Deserialize<T>(text, Json);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"A message on {queue} is not JSON of {fields}: {ex.Message}", ex);
        }

        return message is not null && complete(message)
            ? message
            : throw new InvalidDataException($"A message on {queue} lacks {fields}: {Shorten(text)}");
    }

    private static string Shorten(string text) => text.Length > 200 ? text[..200] + "…" : text;
}
