namespace KpiFunctions.Core.Retry;

/// <summary>
/// The wait before a retry, shared by every client that retries over HTTP (the Shop and Business API clients, the
/// alert webhooks) so all back off alike.
/// </summary>
public static class RetryDelay
{
    /// <summary>Equal jitter: half the exponential delay fixed, half random; never shorter than the server's hint.</summary>
    public static TimeSpan Next(int attempt, TimeSpan baseDelay, TimeSpan maxDelay, TimeSpan? retryAfter)
    {
        var ceiling = Math.Min(maxDelay.TotalMilliseconds, baseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1));
        var delay = TimeSpan.FromMilliseconds((ceiling / 2) + (Random.Shared.NextDouble() * ceiling / 2));
        return retryAfter is { } hint && hint > delay ? hint : delay;
    }
}
