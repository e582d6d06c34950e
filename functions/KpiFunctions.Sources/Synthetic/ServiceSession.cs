namespace KpiFunctions.Sources.Synthetic;

/// <summary>A buyer's customer service session as the synthetic world makes it: opened, and answered or not (yet).</summary>
/// <param name="SessionId">Session id.</param>
/// <param name="CreatedUtc">When the buyer opened it (whole seconds).</param>
/// <param name="FirstResponseUtc">When the store first answered; null when it has not by the world's as-of time.</param>
/// <param name="SatisfactionScore">The buyer's rating, 1 to 5 stars; null when the buyer did not rate.</param>
public sealed record ServiceSession(string SessionId, DateTimeOffset CreatedUtc, DateTimeOffset? FirstResponseUtc, int? SatisfactionScore)
{
    /// <summary>Seconds from opening to the first response; null when unanswered.</summary>
    public long? FirstResponseSeconds => FirstResponseUtc is { } at ? (long)(at - CreatedUtc).TotalSeconds : null;
}
