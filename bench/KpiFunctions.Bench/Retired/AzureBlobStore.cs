using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using global::Azure.Core;
using global::Azure.Core.Pipeline;
using KpiFunctions.Storage.Blobs;

namespace KpiFunctions.Bench.Retired;

/// <summary>
/// <see cref="IBlobStore"/> on one container of Azure Blob Storage (or Azurite) over the REST API, on an Azure.Core
/// pipeline built once (retries, logging) with SharedKey signing, a SAS or Microsoft Entra ID bearer tokens. Writes over the single-request limit are staged
/// as blocks and committed with one block list, so readers never see half a blob.
/// </summary>
public sealed class AzureBlobStore : IBlobStore
{
    /// <summary>Largest range the service will hash for x-ms-range-get-content-md5.</summary>
    private const long RangeMd5Limit = 4 * 1024 * 1024;
    private readonly HttpPipeline _pipeline;
    private readonly Uri _container;
    private readonly AzureBlobStoreOptions _options;
    private readonly SemaphoreSlim _createGate = new(1, 1);
    private volatile bool _containerReady;

    /// <summary>Creates a store over a container, from a connection string.</summary>
    public AzureBlobStore(string connectionString, string container, AzureBlobStoreOptions? options = null)
        : this(StorageAccount.Parse(connectionString), container, options)
    {
    }

    /// <summary>Creates a store over a container of an account (key, SAS or token credential).</summary>
    public AzureBlobStore(StorageAccount account, string container, AzureBlobStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(account);
        var parsed = account;
        ValidateContainer(container);
        _options = options ?? new AzureBlobStoreOptions();
        _options.Validate();
        _container = new Uri(parsed.BlobEndpoint.ToString().TrimEnd('/') + "/" + container);
        _pipeline = HttpPipelineBuilder.Build(_options, parsed.BlobAuthorization(_options.Time));
        Container = container;
    }

    /// <summary>The container.</summary>
    public string Container { get; }

    /// <inheritdoc />
    /// <remarks>
    /// The content is read one block at a time. When it ends within <see cref="AzureBlobStoreOptions.SingleUploadLimit"/>
    /// it is sent as one Put Blob; otherwise every block is staged (Put Block, up to
    /// <see cref="AzureBlobStoreOptions.UploadConcurrency"/> at once, each with its Content-MD5) while the rest is
    /// still being read, and one Put Block List commits them with the whole blob's MD5. Memory stays near
    /// concurrency × block size whatever the blob's size.
    /// </remarks>
    public async Task<BlobWriteResult> UploadAsync(string path, Stream content, BlobUploadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        BlobPath.Validate(path);
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        var blockSize = _options.BlockSize;
        var held = new List<(byte[] Buffer, int Length)>();
        try
        {
            // Read blocks until the content ends or passes the single-request limit.
            long total = 0;
            while (total <= _options.SingleUploadLimit)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(blockSize);
                held.Add((buffer, 0));
                var read = await content.ReadAtLeastAsync(buffer.AsMemory(0, blockSize), blockSize, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                held[^1] = (buffer, read);
                total += read;
                if (read < blockSize)
                {
                    return total <= _options.SingleUploadLimit
                        ? await PutWholeAsync(path, held, total, options, cancellationToken).ConfigureAwait(false)
                        : await PutStagedAsync(path, content, held, options, cancellationToken).ConfigureAwait(false);
                }
            }

            return await PutStagedAsync(path, content, held, options, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            foreach (var (buffer, _) in held)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private async Task<BlobWriteResult> PutWholeAsync(string path, List<(byte[] Buffer, int Length)> blocks, long total, BlobUploadOptions? options, CancellationToken cancellationToken)
    {
        var bytes = blocks.Count == 1 ? blocks[0].Buffer.AsMemory(0, blocks[0].Length) : Concatenate(blocks, total);
        using var message = Create(RequestMethod.Put, path, null);
        message.Request.Headers.SetValue("x-ms-blob-type", "BlockBlob");
        message.Request.Headers.SetValue("Content-MD5", Convert.ToBase64String(MD5.HashData(bytes.Span)));
        Describe(message.Request, options);
        message.Request.Content = RequestContent.Create(bytes);
        return await CommitAsync(message, path, cancellationToken).ConfigureAwait(false);
    }

    private static ReadOnlyMemory<byte> Concatenate(List<(byte[] Buffer, int Length)> blocks, long total)
    {
        var all = new byte[total];
        var offset = 0;
        foreach (var (buffer, length) in blocks)
        {
            buffer.AsSpan(0, length).CopyTo(all.AsSpan(offset));
            offset += length;
        }

        return all;
    }

    /// <summary>Stages the blocks already read, then the rest of the content block by block, and commits them all.</summary>
    private async Task<BlobWriteResult> PutStagedAsync(string path, Stream content, List<(byte[] Buffer, int Length)> held, BlobUploadOptions? options, CancellationToken cancellationToken)
    {
        using var whole = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var inFlight = new List<Task>();
        var ids = new List<string>();
        var uploadId = Guid.NewGuid().ToString("N");
        var pending = new Queue<(byte[] Buffer, int Length)>(held);
        held.Clear(); // the buffers now belong to this method and the staging tasks, which return them to the pool
        try
        {
            while (true)
            {
                // Wait for a free slot before taking the next block, so a block in hand always has a slot.
                if (inFlight.Count >= _options.UploadConcurrency)
                {
                    var done = await Task.WhenAny(inFlight).ConfigureAwait(false);
                    inFlight.Remove(done);
                    await done.ConfigureAwait(false); // rethrows a failed block
                }

                (byte[] Buffer, int Length) block;
                if (pending.Count > 0)
                {
                    block = pending.Dequeue();
                }
                else
                {
                    var buffer = ArrayPool<byte>.Shared.Rent(_options.BlockSize);
                    int read;
                    try
                    {
                        read = await content.ReadAtLeastAsync(buffer.AsMemory(0, _options.BlockSize), _options.BlockSize, throwOnEndOfStream: false, failed.Token).ConfigureAwait(false);
                    }
                    catch
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        throw;
                    }

                    if (read == 0)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        break;
                    }

                    block = (buffer, read);
                }

                if (block.Length == 0)
                {
                    ArrayPool<byte>.Shared.Return(block.Buffer);
                    break;
                }

                whole.AppendData(block.Buffer, 0, block.Length);
                // Ids are unique to this upload: two uploads racing on one path must not replace each other's
                // uncommitted blocks (Put Block keeps the last block staged under an id), or a commit could mix them.
                var id = Convert.ToBase64String(Encoding.ASCII.GetBytes(uploadId + ids.Count.ToString("D6", CultureInfo.InvariantCulture)));
                ids.Add(id);
                inFlight.Add(StageBlockAsync(path, ids.Count - 1, id, block.Buffer, block.Length, failed));
                if (block.Length < _options.BlockSize && pending.Count == 0)
                {
                    break;
                }
            }

            await Task.WhenAll(inFlight).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // A block failed and cancelled the rest: report that block's failure, not the cancellation.
            await DrainAsync().ConfigureAwait(false);
            var cause = inFlight.Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException).FirstOrDefault(e => e is not OperationCanceledException);
            if (cause is not null)
            {
                ExceptionDispatchInfo.Throw(cause);
            }

            throw;
        }
        catch
        {
            await DrainAsync().ConfigureAwait(false);
            throw;
        }

        async Task DrainAsync()
        {
            await failed.CancelAsync().ConfigureAwait(false);
            foreach (var (buffer, _) in pending)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            pending.Clear();
            try
            {
                await Task.WhenAll(inFlight).ConfigureAwait(false);
            }
            catch (Exception) when (inFlight.All(t => t.IsCompleted))
            {
                // Every block has stopped; the caller reports the failure that mattered.
            }
        }

        var xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>");
        foreach (var id in ids)
        {
            xml.Append("<Latest>").Append(id).Append("</Latest>");
        }

        xml.Append("</BlockList>");
        using var commit = Create(RequestMethod.Put, path, "comp=blocklist");
        commit.Request.Headers.SetValue("x-ms-blob-content-md5", Convert.ToBase64String(whole.GetHashAndReset()));
        if (options?.ContentType is { } type)
        {
            commit.Request.Headers.SetValue("x-ms-blob-content-type", type);
        }

        if (options?.ContentEncoding is { } encoding)
        {
            commit.Request.Headers.SetValue("x-ms-blob-content-encoding", encoding);
        }

        Conditions(commit.Request, options);
        commit.Request.Content = RequestContent.Create(Encoding.UTF8.GetBytes(xml.ToString()));
        await _pipeline.SendAsync(commit, cancellationToken).ConfigureAwait(false);
        if (commit.Response.Status == 400 && commit.Response.Headers.TryGetValue("x-ms-error-code", out var code) && code == "InvalidBlockList")
        {
            // Another upload to this blob committed while ours was staging, and a commit discards every uncommitted
            // block it does not list: ours are gone. The blob is whole (the other upload's); nothing of ours was written.
            if (options?.OnlyIfMissing == true || options?.IfMatch is not null)
            {
                return BlobWriteResult.ConditionNotMet; // the blob changed under the condition, so it no longer holds
            }

            throw Failure(commit, $"Put block list of {Container}/{path}: another upload to this blob committed first and discarded this upload's blocks, so nothing of it was written; upload again");
        }

        return CommitResult(commit, path);
    }

    /// <summary>Put Block with the block's Content-MD5; returns the buffer to the pool when done, whatever happens.</summary>
    private async Task StageBlockAsync(string path, int index, string id, byte[] buffer, int length, CancellationTokenSource failed)
    {
        try
        {
            using var put = Create(RequestMethod.Put, path, $"comp=block&blockid={Uri.EscapeDataString(id)}");
            put.Request.Headers.SetValue("Content-MD5", Convert.ToBase64String(MD5.HashData(buffer.AsSpan(0, length))));
            put.Request.Content = RequestContent.Create(buffer.AsMemory(0, length));
            await SendAsync(put, $"Put block {index} of {Container}/{path}", [201], failed.Token).ConfigureAwait(false);
        }
        catch
        {
            await failed.CancelAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <inheritdoc />
    public Task<Stream?> OpenReadAsync(string path, CancellationToken cancellationToken = default)
    {
        BlobPath.Validate(path);
        return OpenAsync(path, null, null, cancellationToken);
    }

    /// <inheritdoc />
    public Task<Stream?> OpenReadRangeAsync(string path, long offset, long? length = null, CancellationToken cancellationToken = default)
    {
        BlobPath.Validate(path);
        BlobPath.ValidateRange(offset, length);
        return OpenAsync(path, offset, length, cancellationToken);
    }

    /// <summary>
    /// Get Blob, whole or a range (x-ms-range). A whole read is checked against the blob's Content-MD5; a range of up to
    /// 4 MiB asks the service for that range's MD5 (x-ms-range-get-content-md5) and is checked against it.
    /// </summary>
    private async Task<Stream?> OpenAsync(string path, long? offset, long? length, CancellationToken cancellationToken)
    {
        var message = Create(RequestMethod.Get, path, null);
        message.BufferResponse = false;
        if (offset is { } from)
        {
            // A length that reaches past long.MaxValue means "to the end".
            var to = length is { } n && n <= long.MaxValue - from ? (from + n - 1).ToString(CultureInfo.InvariantCulture) : "";
            message.Request.Headers.SetValue("x-ms-range", $"bytes={from.ToString(CultureInfo.InvariantCulture)}-{to}");
            if (length is <= RangeMd5Limit)
            {
                message.Request.Headers.SetValue("x-ms-range-get-content-md5", "true");
            }
        }

        try
        {
            await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
            var status = message.Response.Status;
            if (status == 404)
            {
                message.Dispose();
                return null;
            }

            if (status == 416 && offset is not null)
            {
                // InvalidRange: the range starts at or past the end of the blob.
                message.Dispose();
                return new MemoryStream([], writable: false);
            }

            if (status != (offset is null ? 200 : 206))
            {
                throw Failure(message, $"Get blob {Container}/{path}" + (offset is null ? "" : $" from byte {offset}"));
            }

            var stream = message.ExtractResponseContent() ?? new MemoryStream();
            var md5 = message.Response.Headers.TryGetValue("Content-MD5", out var header) ? header : null;
            var contentLength = message.Response.Headers.ContentLength;
            message.Dispose();
            if (md5 is null)
            {
                return stream;
            }

            var expected = new byte[16];
            if (!Convert.TryFromBase64String(md5, expected, out var written) || written != 16)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
                throw new InvalidDataException($"Blob {Container}/{path}: the service sent a Content-MD5 header that is not a base64 MD5 hash, so the download cannot be checked.");
            }

            return new Md5VerifyingStream(stream, expected, $"{Container}/{path}", length: contentLength);
        }
        catch
        {
            message.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public async Task<bool> ExistsAsync(string path, CancellationToken cancellationToken = default)
    {
        BlobPath.Validate(path);
        using var message = Create(RequestMethod.Head, path, null);
        var status = await SendAsync(message, $"Head blob {Container}/{path}", [200, 404], cancellationToken).ConfigureAwait(false);
        return status == 200;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<BlobItem> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        string? marker = null;
        do
        {
            var query = "restype=container&comp=list&maxresults=" + _options.ListPageSize.ToString(CultureInfo.InvariantCulture) + "&prefix=" + Uri.EscapeDataString(prefix) + (marker is null ? "" : "&marker=" + Uri.EscapeDataString(marker));
            using var message = Create(RequestMethod.Get, null, query);
            var status = await SendAsync(message, $"List blobs {Container}/{prefix}*", [200, 404], cancellationToken).ConfigureAwait(false);
            if (status == 404)
            {
                yield break;
            }

            var (items, next) = ParseList(message.Response.Content.ToStream());
            foreach (var item in items)
            {
                yield return item;
            }

            marker = string.IsNullOrEmpty(next) ? null : next;
        }
        while (marker is not null);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteIfExistsAsync(string path, CancellationToken cancellationToken = default)
    {
        BlobPath.Validate(path);
        using var message = Create(RequestMethod.Delete, path, null);
        var status = await SendAsync(message, $"Delete blob {Container}/{path}", [202, 404], cancellationToken).ConfigureAwait(false);
        return status == 202;
    }

    /// <inheritdoc />
    public string Describe(string path) => _container + "/" + path;

    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (_containerReady)
        {
            return;
        }

        await _createGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_containerReady)
            {
                using var message = _pipeline.CreateMessage();
                message.Request.Method = RequestMethod.Put;
                message.Request.Uri.Reset(new Uri(_container + "?restype=container"));
                message.Request.Headers.SetValue("x-ms-version", _options.ServiceVersion);
                var status = await SendAsync(message, $"Create container {Container}", [201, 409], cancellationToken).ConfigureAwait(false);
                if (status == 409 && (!message.Response.Headers.TryGetValue("x-ms-error-code", out var code) || code != "ContainerAlreadyExists"))
                {
                    throw Failure(message, $"Create container {Container}"); // e.g. ContainerBeingDeleted
                }

                _containerReady = true;
            }
        }
        finally
        {
            _createGate.Release();
        }
    }

    private async Task<BlobWriteResult> CommitAsync(HttpMessage message, string path, CancellationToken cancellationToken)
    {
        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        return CommitResult(message, path);
    }

    /// <summary>
    /// 201 written; 409 BlobAlreadyExists (If-None-Match: *) or 412 ConditionNotMet (If-Match) a lost condition, not a
    /// failure. Any other 409 or 412 (a lease, a container being deleted) is a failure, never a silent "not written".
    /// </summary>
    private BlobWriteResult CommitResult(HttpMessage message, string path)
    {
        var code = message.Response.Headers.TryGetValue("x-ms-error-code", out var c) ? c : null;
        return (message.Response.Status, code) switch
        {
            (201, _) => new BlobWriteResult(true, message.Response.Headers.TryGetValue("ETag", out var etag) ? etag : null),
            (409, "BlobAlreadyExists") or (412, "ConditionNotMet") => BlobWriteResult.ConditionNotMet,
            _ => throw Failure(message, $"Put blob {Container}/{path}"),
        };
    }

    private HttpMessage Create(RequestMethod method, string? path, string? query)
    {
        var message = _pipeline.CreateMessage();
        var uri = _container + (path is null ? "" : "/" + EscapePath(path)) + (query is null ? "" : "?" + query);
        message.Request.Method = method;
        message.Request.Uri.Reset(new Uri(uri));
        message.Request.Headers.SetValue("x-ms-version", _options.ServiceVersion);
        return message;
    }

    private static void Describe(Request request, BlobUploadOptions? options)
    {
        if (options?.ContentType is { } type)
        {
            request.Headers.SetValue("Content-Type", type);
        }

        if (options?.ContentEncoding is { } encoding)
        {
            request.Headers.SetValue("Content-Encoding", encoding);
        }

        Conditions(request, options);
    }

    private static void Conditions(Request request, BlobUploadOptions? options)
    {
        if (options?.OnlyIfMissing == true)
        {
            request.Headers.SetValue("If-None-Match", "*");
        }

        if (options?.IfMatch is { } etag)
        {
            request.Headers.SetValue("If-Match", etag);
        }
    }

    private async Task<int> SendAsync(HttpMessage message, string operation, int[] expected, CancellationToken cancellationToken)
    {
        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        var status = message.Response.Status;
        return expected.Contains(status) ? status : throw Failure(message, operation);
    }

    private static StorageRequestException Failure(HttpMessage message, string operation)
    {
        var headers = message.Response.Headers;
        return new StorageRequestException(
            operation,
            message.Response.Status,
            headers.TryGetValue("x-ms-error-code", out var code) ? code : null,
            headers.TryGetValue("x-ms-request-id", out var id) ? id : null);
    }

    /// <summary>Escapes each path segment but keeps '/' and the '=' of Hive-style keys readable.</summary>
    private static string EscapePath(string path) =>
        string.Join('/', path.Split('/').Select(segment => Uri.EscapeDataString(segment).Replace("%3D", "=", StringComparison.Ordinal)));

    /// <summary>Reads a List Blobs page: EnumerationResults/Blobs/Blob/{Name, Properties{Content-Length, Last-Modified, Etag}}, NextMarker.</summary>
    private static (List<BlobItem> Items, string? NextMarker) ParseList(Stream xml)
    {
        using var reader = XmlReader.Create(xml, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
        var doc = XDocument.Load(reader);
        var root = doc.Root ?? throw new InvalidDataException("List Blobs returned an empty document.");
        var items = new List<BlobItem>();
        foreach (var blob in root.Element("Blobs")?.Elements("Blob") ?? [])
        {
            var properties = blob.Element("Properties");
            items.Add(new BlobItem(
                blob.Element("Name")?.Value ?? throw new InvalidDataException("List Blobs returned a blob without a name."),
                long.Parse(properties?.Element("Content-Length")?.Value ?? "0", CultureInfo.InvariantCulture),
                DateTimeOffset.Parse(properties?.Element("Last-Modified")?.Value ?? "Thu, 01 Jan 1970 00:00:00 GMT", CultureInfo.InvariantCulture),
                properties?.Element("Etag")?.Value ?? ""));
        }

        return (items, root.Element("NextMarker")?.Value);
    }

    private static void ValidateContainer(string container)
    {
        if (container is null || container.Length is < 3 or > 63 || !container.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
            || container.StartsWith('-') || container.Contains("--", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Container name '{container}' must be 3-63 lower-case letters, digits and single hyphens.", nameof(container));
        }
    }
}
