namespace KpiFunctions.Storage.Queues;

/// <summary>
/// Message queues with at-least-once delivery: a received message is hidden for a visibility timeout and comes back
/// (its dequeue count one higher) unless it is deleted with the receipt of that delivery. Implemented on Azure Queue
/// Storage (REST) and on SQLite for the embedded default.
/// </summary>
public interface IQueueStore
{
    /// <summary>Creates the queue if it does not exist.</summary>
    Task CreateQueueIfNotExistsAsync(string queue, CancellationToken cancellationToken = default);

    /// <summary>Adds a message, visible after <paramref name="visibilityDelay"/> (default: at once); returns its id.</summary>
    Task<string> SendAsync(string queue, string text, TimeSpan? visibilityDelay = null, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="maxMessages"/> (1-32) visible messages, each hidden for <paramref name="visibilityTimeout"/>.</summary>
    Task<IReadOnlyList<QueueMessage>> ReceiveAsync(string queue, int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes a received message; false when its receipt is stale (it became visible and was received again, or was
    /// deleted already), so the caller knows another delivery owns it.
    /// </summary>
    Task<bool> DeleteAsync(string queue, QueueMessage message, CancellationToken cancellationToken = default);

    /// <summary>
    /// Hides a received message for <paramref name="visibilityTimeout"/> from now (zero: visible at once); returns the
    /// message with its new receipt, or null when the receipt is stale.
    /// </summary>
    Task<QueueMessage?> SetVisibilityAsync(string queue, QueueMessage message, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default);

    /// <summary>Messages in the queue, visible or not (approximate on Azure).</summary>
    Task<int> CountAsync(string queue, CancellationToken cancellationToken = default);
}

/// <summary>One delivery of a queue message.</summary>
/// <param name="MessageId">Message id (the same on every delivery).</param>
/// <param name="PopReceipt">Receipt of this delivery, needed to delete it or change its visibility.</param>
/// <param name="DequeueCount">How many times the message has been received, this delivery included.</param>
/// <param name="InsertedUtc">When the message was added.</param>
/// <param name="NextVisibleUtc">When it becomes visible again unless deleted.</param>
/// <param name="Text">The message text.</param>
public sealed record QueueMessage(string MessageId, string PopReceipt, long DequeueCount, DateTimeOffset InsertedUtc, DateTimeOffset NextVisibleUtc, string Text);
