namespace KpiFunctions.Orchestration;

/// <summary>The retry policy of a store's fetch, from settings.</summary>
/// <param name="MaxAttempts">Attempts in all, the first included (at least 1).</param>
/// <param name="FirstRetrySeconds">Wait before the first retry, in seconds (above 0).</param>
/// <param name="BackoffCoefficient">Factor each later wait grows by (at least 1).</param>
public sealed record FetchRetry(int MaxAttempts, double FirstRetrySeconds, double BackoffCoefficient);
