namespace KpiFunctions.Pipeline.Orchestration;

/// <summary>The queues the Functions app's steps talk through (the poison queue follows the host's naming: &lt;queue&gt;-poison).</summary>
public static class QueueNames
{
    /// <summary>One message per store of a run: fetch and curate its days.</summary>
    public const string Fetch = "kpi-fetch";

    /// <summary>Fetch messages that failed past the host's maximum dequeue count.</summary>
    public const string FetchPoison = "kpi-fetch-poison";

    /// <summary>One message per run, sent by the fetch that completes the fan-in.</summary>
    public const string Compute = "kpi-compute";

    /// <summary>Compute messages that failed past the host's maximum dequeue count.</summary>
    public const string ComputePoison = "kpi-compute-poison";

    /// <summary>One message per run, sent when its KPIs are written.</summary>
    public const string Publish = "kpi-publish";

    /// <summary>Publish messages that failed past the host's maximum dequeue count.</summary>
    public const string PublishPoison = "kpi-publish-poison";

    /// <summary>Every queue the app uses.</summary>
    public static IReadOnlyList<string> All { get; } = [Fetch, FetchPoison, Compute, ComputePoison, Publish, PublishPoison];
}
