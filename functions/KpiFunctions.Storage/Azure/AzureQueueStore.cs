using System.Collections.Concurrent;
using global::Azure;
using global::Azure.Storage.Queues;
using KpiFunctions.Storage.Queues;

namespace KpiFunctions.Storage.Azure;

/// <summary>
/// <see cref="IQueueStore"/> on Azure Queue Storage (or Azurite) through the official SDK. Message text travels
/// base64-encoded (UTF-8), which is what the Functions queue trigger expects by default (host.json
/// <c>messageEncoding</c>). A stale receipt is a value (false or null); other refusals throw
/// <see cref="StorageRequestException"/>.
/// </summary>
public sealed class AzureQueueStore : IQueueStore
{
    private readonly QueueServiceClient _service;
    private readonly ConcurrentDictionary<string, QueueClient> _queues = new(StringComparer.Ordinal);

    /// <summary>Creates a store from a connection string.</summary>
    public AzureQueueStore(string connectionString, AzureStorageOptions? options = null)
        : this(StorageAccount.Parse(connectionString), options)
    {
    }

    /// <summary>Creates a store on an account (key, SAS or token credential), with a client of its own.</summary>
    public AzureQueueStore(StorageAccount account, AzureStorageOptions? options = null)
        : this((account ?? throw new ArgumentNullException(nameof(account))).CreateQueueServiceClient(options))
    {
    }

    /// <summary>Creates a store on a shared service client (its messages must be base64-encoded).</summary>
    public AzureQueueStore(QueueServiceClient service)
    {
        ArgumentNullException.ThrowIfNull(service);
        _service = service;
    }

    /// <inheritdoc />
    public async Task CreateQueueIfNotExistsAsync(string queue, CancellationToken cancellationToken = default)
    {
        try
        {
            await Queue(queue).CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e)
        {
            throw StorageErrors.Refused($"Create queue {queue}", e);
        }
    }

    /// <inheritdoc />
    public async Task<string> SendAsync(string queue, string text, TimeSpan? visibilityDelay = null, CancellationToken cancellationToken = default)
    {
        var client = Queue(queue);
        QueueRules.Encode(queue, text); // checks the encoded size before anything is sent
        var delay = visibilityDelay ?? TimeSpan.Zero;
        QueueRules.ValidateVisibility(delay, nameof(visibilityDelay));
        try
        {
            // A time to live of -1 s: a message waits until it is handled (a run's messages must not expire unseen after 7 days).
            var sent = await client.SendMessageAsync(text, Whole(delay), TimeSpan.FromSeconds(-1), cancellationToken).ConfigureAwait(false);
            return sent.Value.MessageId;
        }
        catch (RequestFailedException e)
        {
            throw Refused($"Put message on {queue}", e);
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<QueueMessage>> ReceiveAsync(string queue, int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default)
    {
        var client = Queue(queue);
        QueueRules.ValidateBatch(maxMessages);
        QueueRules.ValidateVisibility(visibilityTimeout, nameof(visibilityTimeout));
        global::Azure.Storage.Queues.Models.QueueMessage[] received;
        try
        {
            // Get Messages takes a visibility timeout of at least one second.
            var hidden = Whole(visibilityTimeout) < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : Whole(visibilityTimeout);
            received = (await client.ReceiveMessagesAsync(maxMessages, hidden, cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException e)
        {
            throw Refused($"Get messages from {queue}", e);
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"A message on queue '{queue}' is not base64; messages on this app's queues are base64 of UTF-8 text (as the Functions queue trigger expects).", e);
        }

        return [.. received.Select(m => new QueueMessage(
            m.MessageId,
            m.PopReceipt,
            m.DequeueCount,
            m.InsertedOn ?? DateTimeOffset.UnixEpoch,
            m.NextVisibleOn ?? DateTimeOffset.UnixEpoch,
            m.Body.ToString()))];
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string queue, QueueMessage message, CancellationToken cancellationToken = default)
    {
        var client = Queue(queue);
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            await client.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (IsStale(e))
        {
            return false;
        }
        catch (RequestFailedException e)
        {
            throw Refused($"Delete message {message.MessageId} from {queue}", e);
        }
    }

    /// <inheritdoc />
    public async Task<QueueMessage?> SetVisibilityAsync(string queue, QueueMessage message, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default)
    {
        var client = Queue(queue);
        ArgumentNullException.ThrowIfNull(message);
        QueueRules.ValidateVisibility(visibilityTimeout, nameof(visibilityTimeout));
        try
        {
            var updated = await client.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: Whole(visibilityTimeout), cancellationToken: cancellationToken).ConfigureAwait(false);
            return message with { PopReceipt = updated.Value.PopReceipt, NextVisibleUtc = updated.Value.NextVisibleOn };
        }
        catch (RequestFailedException e) when (IsStale(e))
        {
            return null;
        }
        catch (RequestFailedException e)
        {
            throw Refused($"Update message {message.MessageId} on {queue}", e);
        }
    }

    /// <inheritdoc />
    public async Task<int> CountAsync(string queue, CancellationToken cancellationToken = default)
    {
        var client = Queue(queue);
        try
        {
            return (await client.GetPropertiesAsync(cancellationToken).ConfigureAwait(false)).Value.ApproximateMessagesCount;
        }
        catch (RequestFailedException e)
        {
            throw Refused($"Get metadata of {queue}", e);
        }
    }

    private QueueClient Queue(string queue)
    {
        QueueRules.ValidateQueueName(queue);
        return _queues.GetOrAdd(queue, _service.GetQueueClient);
    }

    /// <summary>The service counts whole seconds; a part second is rounded up so a delay is never shorter than asked.</summary>
    private static TimeSpan Whole(TimeSpan value) => TimeSpan.FromSeconds(Math.Ceiling(value.TotalSeconds));

    /// <summary>The receipt no longer holds: the message was received again, or deleted already.</summary>
    private static bool IsStale(RequestFailedException e) =>
        (e.Status == 404 && e.ErrorCode == "MessageNotFound") || (e.Status == 400 && e.ErrorCode == "PopReceiptMismatch");

    private static Exception Refused(string operation, RequestFailedException error) =>
        error.Status == 404 && error.ErrorCode == "QueueNotFound"
            ? new InvalidOperationException($"{operation}: the queue does not exist; create it first (CreateQueueIfNotExistsAsync).", error)
            : StorageErrors.Refused(operation, error);
}
