namespace KpiFunctions.TikTok.Fake;

/// <summary>What the fake saw and did, for tests and the benchmark. Counters are updated atomically.</summary>
public sealed class FakeStats
{
    internal long RequestsField;
    internal long OverLimitField;
    internal long FaultsField;
    internal long RefreshesField;
    internal long PagesField;

    /// <summary>API and token requests received.</summary>
    public long Requests => Interlocked.Read(ref RequestsField);

    /// <summary>Requests that arrived beyond a rate limit (answered 429).</summary>
    public long OverLimit => Interlocked.Read(ref OverLimitField);

    /// <summary>Requests over a limit by the limit they broke ("app" or "shop").</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, long> OverLimitBy { get; } = new(StringComparer.Ordinal);

    /// <summary>When each request over a limit arrived.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<DateTimeOffset> OverLimitAt { get; } = new();

    /// <summary>Answers spoiled on purpose by a fault switch.</summary>
    public long Faults => Interlocked.Read(ref FaultsField);

    /// <summary>Token refreshes granted.</summary>
    public long Refreshes => Interlocked.Read(ref RefreshesField);

    /// <summary>Search pages served successfully.</summary>
    public long Pages => Interlocked.Read(ref PagesField);

    /// <summary>Order ids re-served on a later page with a newer update time, and that time (the client must keep it).</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, long> UpdatedBetweenPages { get; } = new(StringComparer.Ordinal);
}
