namespace KpiFunctions.Pipeline.Notify;

/// <summary>How a run's message to one webhook ended.</summary>
public enum DeliveryStatus
{
    /// <summary>The platform accepted it.</summary>
    Delivered,

    /// <summary>Every attempt failed, or the failure could not be retried (a missing secret, a refused signature).</summary>
    Failed,

    /// <summary>Nothing was sent: the run raised no alert at the configured level.</summary>
    Skipped,
}
