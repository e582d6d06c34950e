using System.Globalization;
using System.Security;
using System.Text;
using System.Xml.Linq;
using global::Azure.Core;
using global::Azure.Core.Pipeline;
using KpiFunctions.Storage.Queues;

namespace KpiFunctions.Bench.Retired;

/// <summary>
/// <see cref="IQueueStore"/> on Azure Queue Storage (or Azurite) over the REST API, on an Azure.Core pipeline with
/// SharedKey signing, a SAS or Microsoft Entra ID bearer tokens. Message text travels base64-encoded (UTF-8), which
/// is what the Functions queue trigger expects by default (host.json <c>messageEncoding</c>). A stale receipt is a
/// value (false or null); other refusals throw <see cref="StorageRequestException"/>.
/// </summary>
public sealed class AzureQueueStore : IQueueStore
{
    private readonly HttpPipeline _pipeline;
    private readonly string _endpoint;
    private readonly string _version;

    /// <summary>Creates a store from a connection string.</summary>
    public AzureQueueStore(string connectionString, AzureBlobStoreOptions? options = null)
        : this(StorageAccount.Parse(connectionString), options)
    {
    }

    /// <summary>Creates a store on an account (key, SAS or token credential).</summary>
    public AzureQueueStore(StorageAccount account, AzureBlobStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(account);
        options ??= new AzureBlobStoreOptions();
        _version = options.ServiceVersion;
        _endpoint = (account.QueueEndpoint ?? throw new ArgumentException(
            $"Storage account '{account.AccountName}' has no queue endpoint; add QueueEndpoint=… to the connection string (a SAS must also allow the queue service).", nameof(account)))
            .ToString().TrimEnd('/');
        _pipeline = HttpPipelineBuilder.Build(options, account.QueueAuthorization(options.Time));
    }

    /// <inheritdoc />
    public async Task CreateQueueIfNotExistsAsync(string queue, CancellationToken cancellationToken = default)
    {
        QueueRules.ValidateQueueName(queue);
        using var message = Create(RequestMethod.Put, "/" + queue);
        await SendAsync(message, $"Create queue {queue}", [201, 204, 409], cancellationToken, okCode: "QueueAlreadyExists").ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<string> SendAsync(string queue, string text, TimeSpan? visibilityDelay = null, CancellationToken cancellationToken = default)
    {
        QueueRules.ValidateQueueName(queue);
        var encoded = QueueRules.Encode(queue, text);
        var delay = visibilityDelay ?? TimeSpan.Zero;
        QueueRules.ValidateVisibility(delay, nameof(visibilityDelay));

        // messagettl=-1: a message waits until it is handled (a run's messages must not expire unseen after 7 days).
        using var message = Create(RequestMethod.Post, $"/{queue}/messages?visibilitytimeout={Seconds(delay)}&messagettl=-1");
        message.Request.Headers.SetValue("Content-Type", "application/xml");
        message.Request.Content = RequestContent.Create(Encoding.UTF8.GetBytes($"<QueueMessage><MessageText>{SecurityElement.Escape(encoded)}</MessageText></QueueMessage>"));
        await SendAsync(message, $"Put message on {queue}", [201], cancellationToken).ConfigureAwait(false);
        var answer = Xml(message.Response.Content);
        return answer.Descendants("MessageId").FirstOrDefault()?.Value ?? throw new InvalidDataException($"Put message on {queue}: the answer has no MessageId.");
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<QueueMessage>> ReceiveAsync(string queue, int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default)
    {
        QueueRules.ValidateQueueName(queue);
        QueueRules.ValidateBatch(maxMessages);
        QueueRules.ValidateVisibility(visibilityTimeout, nameof(visibilityTimeout));

        // Get Messages takes a visibility timeout of at least one second.
        var seconds = Math.Max(1, Seconds(visibilityTimeout));
        using var message = Create(RequestMethod.Get, $"/{queue}/messages?numofmessages={maxMessages}&visibilitytimeout={seconds}");
        await SendAsync(message, $"Get messages from {queue}", [200], cancellationToken).ConfigureAwait(false);
        var list = Xml(message.Response.Content);
        return [.. list.Descendants("QueueMessage").Select(m => new QueueMessage(
            Field(m, "MessageId"),
            Field(m, "PopReceipt"),
            long.Parse(Field(m, "DequeueCount"), CultureInfo.InvariantCulture),
            Time(Field(m, "InsertionTime")),
            Time(Field(m, "TimeNextVisible")),
            Decode(queue, Field(m, "MessageId"), Field(m, "MessageText"))))];
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string queue, QueueMessage message, CancellationToken cancellationToken = default)
    {
        QueueRules.ValidateQueueName(queue);
        ArgumentNullException.ThrowIfNull(message);
        using var request = Create(RequestMethod.Delete, $"/{queue}/messages/{Uri.EscapeDataString(message.MessageId)}?popreceipt={Uri.EscapeDataString(message.PopReceipt)}");
        var status = await SendAsync(request, $"Delete message {message.MessageId} from {queue}", [204, 404, 400], cancellationToken, staleCodes: true).ConfigureAwait(false);
        return status == 204;
    }

    /// <inheritdoc />
    public async Task<QueueMessage?> SetVisibilityAsync(string queue, QueueMessage message, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default)
    {
        QueueRules.ValidateQueueName(queue);
        ArgumentNullException.ThrowIfNull(message);
        QueueRules.ValidateVisibility(visibilityTimeout, nameof(visibilityTimeout));
        using var request = Create(RequestMethod.Put, $"/{queue}/messages/{Uri.EscapeDataString(message.MessageId)}?popreceipt={Uri.EscapeDataString(message.PopReceipt)}&visibilitytimeout={Seconds(visibilityTimeout)}");
        var status = await SendAsync(request, $"Update message {message.MessageId} on {queue}", [204, 404, 400], cancellationToken, staleCodes: true).ConfigureAwait(false);
        if (status != 204)
        {
            return null;
        }

        var headers = request.Response.Headers;
        return message with
        {
            PopReceipt = headers.TryGetValue("x-ms-popreceipt", out var receipt) ? receipt : throw new InvalidDataException($"Update message on {queue}: the answer has no x-ms-popreceipt."),
            NextVisibleUtc = headers.TryGetValue("x-ms-time-next-visible", out var next) ? Time(next) : message.NextVisibleUtc,
        };
    }

    /// <inheritdoc />
    public async Task<int> CountAsync(string queue, CancellationToken cancellationToken = default)
    {
        QueueRules.ValidateQueueName(queue);
        using var message = Create(RequestMethod.Get, $"/{queue}?comp=metadata");
        await SendAsync(message, $"Get metadata of {queue}", [200], cancellationToken).ConfigureAwait(false);
        return message.Response.Headers.TryGetValue("x-ms-approximate-messages-count", out var count)
            ? int.Parse(count, CultureInfo.InvariantCulture)
            : throw new InvalidDataException($"Get metadata of {queue}: the answer has no x-ms-approximate-messages-count.");
    }

    /// <summary>
    /// An XML answer read as bytes: Azure starts queue answers with a UTF-8 byte-order mark, which the XML reader
    /// skips but parsing the decoded text would not.
    /// </summary>
    internal static XDocument Xml(BinaryData content)
    {
        using var stream = content.ToStream();
        return XDocument.Load(stream);
    }

    private static long Seconds(TimeSpan value) => (long)Math.Ceiling(value.TotalSeconds);

    private static string Field(XElement message, string name) =>
        message.Element(name)?.Value ?? throw new InvalidDataException($"A queue message in the answer has no {name}.");

    private static DateTimeOffset Time(string rfc1123) =>
        DateTimeOffset.ParseExact(rfc1123, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    /// <summary>The text of a base64 message; a message someone put on the queue without encoding is named, not guessed at.</summary>
    private static string Decode(string queue, string id, string text)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(text));
        }
        catch (FormatException)
        {
            throw new InvalidDataException($"Message {id} on queue '{queue}' is not base64; messages on this app's queues are base64 of UTF-8 text (as the Functions queue trigger expects).");
        }
    }

    private HttpMessage Create(RequestMethod method, string pathAndQuery)
    {
        var message = _pipeline.CreateMessage();
        message.Request.Method = method;
        message.Request.Uri.Reset(new Uri(_endpoint + pathAndQuery));
        message.Request.Headers.SetValue("x-ms-version", _version);
        return message;
    }

    /// <summary>
    /// Sends; returns the status when expected. A 409 is expected only with <paramref name="okCode"/>; with
    /// <paramref name="staleCodes"/>, 404 and 400 are expected only as MessageNotFound and PopReceiptMismatch.
    /// </summary>
    private async Task<int> SendAsync(HttpMessage message, string operation, int[] expected, CancellationToken cancellationToken, string? okCode = null, bool staleCodes = false)
    {
        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        var status = message.Response.Status;
        var headers = message.Response.Headers;
        var code = headers.TryGetValue("x-ms-error-code", out var c) ? c : null;
        if (status == 404 && code == "QueueNotFound")
        {
            throw new InvalidOperationException($"{operation}: the queue does not exist; create it first (CreateQueueIfNotExistsAsync).");
        }

        var ok = expected.Contains(status) && status switch
        {
            409 => code == okCode,
            404 or 400 when staleCodes => code is "MessageNotFound" or "PopReceiptMismatch",
            _ => true,
        };
        return ok ? status : throw new StorageRequestException(operation, status, code, headers.TryGetValue("x-ms-request-id", out var id) ? id : null);
    }
}
