using System.Globalization;
using System.Runtime.CompilerServices;
using KpiFunctions.Storage.Blobs;
using Microsoft.Win32.SafeHandles;

namespace KpiFunctions.Storage.Embedded;

/// <summary>
/// Blobs as files under a root folder. A write goes to a temporary file in the root's <c>.tmp/</c> folder, outside every
/// path a reader lists or globs, and is then renamed over the target, which is atomic on one file system. Temporary
/// files a killed process left behind are removed when the store is next opened.
/// </summary>
public sealed class FileBlobStore : IBlobStore
{
    private const string TempMarker = ".tmp-";

    /// <summary>The folder of writes in progress, at the root so no dataset path or glob reaches it.</summary>
    public const string TempFolder = ".tmp";

    /// <summary>A temporary file older than this was left by a process that died mid-write.</summary>
    private static readonly TimeSpan StaleAfter = TimeSpan.FromHours(1);
    /// <summary>Files up to this size are read into memory whole when opened (curated store-day files are far smaller).</summary>
    private const int WholeReadLimit = 4 << 20;

    private readonly string _root;

    // Conditional writes check and rename in two steps; within this process they are serialised so two
    // writers with the same ETag cannot both win. (The embedded store serves one process.)
    private readonly SemaphoreSlim _conditional = new(1, 1);

    /// <summary>Creates a store rooted at a folder (created if missing).</summary>
    public FileBlobStore(string rootDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rootDirectory);
        _root = Path.GetFullPath(rootDirectory);
        Directory.CreateDirectory(Path.Combine(_root, TempFolder));
        RemoveStaleTemporaryFiles();
    }

    /// <summary>Removes what writes killed mid-way left in <see cref="TempFolder"/> (live writes are younger).</summary>
    private void RemoveStaleTemporaryFiles()
    {
        var cutoff = DateTime.UtcNow - StaleAfter;
        foreach (var file in Directory.EnumerateFiles(Path.Combine(_root, TempFolder)))
        {
            if (File.GetLastWriteTimeUtc(file) < cutoff)
            {
                try
                {
                    File.Delete(file);
                }
                catch (IOException)
                {
                    // Another process holds it: not stale after all, or it is being removed already.
                }
            }
        }
    }

    /// <summary>The root folder.</summary>
    public string RootDirectory => _root;

    /// <inheritdoc />
    public async Task<BlobWriteResult> UploadAsync(string path, Stream content, BlobUploadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var target = FullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temp = Path.Combine(_root, TempFolder, Path.GetFileName(target) + TempMarker + Guid.NewGuid().ToString("N"));
        var renamed = false;
        try
        {
            // Content already in memory (a curated file, a manifest) goes down in one write call through an unbuffered
            // stream: no buffer to allocate and clear, and no hop to the thread pool and back per buffer, which for
            // thousands of small files cost more than the writing.
            using (var handle = File.OpenHandle(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                var file = new FileStream(handle, FileAccess.Write, content is MemoryStream ? 0 : 81920);
                await using (file.ConfigureAwait(false))
                {
                    if (content is MemoryStream)
                    {
                        content.CopyTo(file);
                    }
                    else
                    {
                        await content.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
                    }

                    // On disk before the rename, so a crash cannot leave an empty or partial blob under the final name.
                    file.Flush(flushToDisk: true);
                }
            }

            var conditional = options is { OnlyIfMissing: true } || options?.IfMatch is not null;
            if (conditional)
            {
                await _conditional.WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            try
            {
                var result = Commit(temp, target, options);
                renamed = result.Written;
                return result;
            }
            finally
            {
                if (conditional)
                {
                    _conditional.Release();
                }
            }
        }
        finally
        {
            if (!renamed)
            {
                File.Delete(temp);
            }
        }
    }

    private static BlobWriteResult Commit(string temp, string target, BlobUploadOptions? options)
    {
        if (options is { OnlyIfMissing: true })
        {
            try
            {
                File.Move(temp, target, overwrite: false);
            }
            catch (IOException) when (File.Exists(target))
            {
                return BlobWriteResult.ConditionNotMet;
            }
        }
        else
        {
            if (options?.IfMatch is { } expected && (!File.Exists(target) || ETagOf(new FileInfo(target)) != expected))
            {
                return BlobWriteResult.ConditionNotMet;
            }

            File.Move(temp, target, overwrite: true);
        }

        return new BlobWriteResult(true, ETagOf(new FileInfo(target)));
    }

    /// <inheritdoc />
    public Task<Stream?> OpenReadAsync(string path, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var full = FullPath(path);
        // A blob that is not there (a dataset a store-day has none of) is answered by a stat: the exception a failed open
        // throws costs more, and a run asks for thousands.
        if (!File.Exists(full))
        {
            return Task.FromResult<Stream?>(null);
        }

        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(full, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            // Deleted since the stat.
            return Task.FromResult<Stream?>(null);
        }

        var length = RandomAccess.GetLength(handle);
        if (length > WholeReadLimit)
        {
            return Task.FromResult<Stream?>(new FileStream(handle, FileAccess.Read, 81920));
        }

        // A small file is read whole, at once, straight from the handle (no stream buffer to allocate and clear): a
        // Parquet reader seeks to the footer and back and reads a few bytes at a time, and each of those reads would
        // otherwise be a round trip through the thread pool.
        using (handle)
        {
            var bytes = GC.AllocateUninitializedArray<byte>((int)length);
            var read = 0;
            while (read < bytes.Length)
            {
                var n = RandomAccess.Read(handle, bytes.AsSpan(read), read);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }

            return Task.FromResult<Stream?>(new MemoryStream(bytes, 0, read, writable: false));
        }
    }

    /// <inheritdoc />
    public async Task<Stream?> OpenReadRangeAsync(string path, long offset, long? length = null, CancellationToken cancellationToken = default)
    {
        BlobPath.ValidateRange(offset, length);
        var stream = await OpenReadAsync(path, cancellationToken).ConfigureAwait(false);
        if (stream is null)
        {
            return null;
        }

        stream.Seek(Math.Min(offset, stream.Length), SeekOrigin.Begin);
        // Not seekable, like a ranged download: Length and Position of the file would describe the whole blob.
        return new BoundedReadStream(stream, length ?? long.MaxValue);
    }

    /// <inheritdoc />
    public Task<bool> ExistsAsync(string path, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(File.Exists(FullPath(path)));
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<BlobItem> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        // Start at the deepest folder the prefix names completely, and below it go only into folders that can hold a
        // match (their path starts with the prefix, or is the start of it): a month's prefix, curated/x/date=2026-11-,
        // reads that month's date folders, not every day's.
        var slash = prefix.LastIndexOf('/');
        var start = slash < 0 ? _root : Path.Combine(_root, prefix[..slash].Replace('/', Path.DirectorySeparatorChar));
        if (!Directory.Exists(start))
        {
            yield break;
        }

        var items = new List<BlobItem>();
        var folders = new Stack<string>();
        folders.Push(start);
        while (folders.TryPop(out var folder))
        {
            foreach (var file in Directory.EnumerateFiles(folder))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var relative = Path.GetRelativePath(_root, file).Replace(Path.DirectorySeparatorChar, '/');
                var name = Path.GetFileName(file);

                // Before .tmp/, writes in progress sat beside their target as .<name>.tmp-<id>; one a killed write left is no blob.
                if (relative.StartsWith(TempFolder + "/", StringComparison.Ordinal) || (name.StartsWith('.') && name.Contains(TempMarker, StringComparison.Ordinal)))
                {
                    continue;
                }

                if (relative.StartsWith(prefix, StringComparison.Ordinal))
                {
                    var info = new FileInfo(file);
                    items.Add(new BlobItem(relative, info.Length, info.LastWriteTimeUtc, ETagOf(info)));
                }
            }

            foreach (var sub in Directory.EnumerateDirectories(folder))
            {
                var relative = Path.GetRelativePath(_root, sub).Replace(Path.DirectorySeparatorChar, '/') + "/";
                if (relative.StartsWith(prefix, StringComparison.Ordinal) || prefix.StartsWith(relative, StringComparison.Ordinal))
                {
                    folders.Push(sub);
                }
            }
        }

        items.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        foreach (var item in items)
        {
            yield return item;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<bool> DeleteIfExistsAsync(string path, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var full = FullPath(path);
        if (!File.Exists(full))
        {
            return Task.FromResult(false);
        }

        File.Delete(full);
        return Task.FromResult(true);
    }

    /// <inheritdoc />
    /// <remarks>
    /// The lease is an exclusive lock on the blob's file, held through an open handle: on Unix .NET takes flock(LOCK_EX)
    /// for <see cref="FileShare.None"/>, on Windows the share mode does the same. It excludes other processes and other
    /// opens in this one (reading the file included), and the OS drops it when the process ends, so it never lapses while
    /// its holder lives: <paramref name="duration"/> is only checked. (Setting DOTNET_SYSTEM_IO_DISABLEFILELOCKING turns
    /// the flock off.)
    /// </remarks>
    public Task<IBlobLease?> TryAcquireLeaseAsync(string path, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        BlobLeaseDuration.Validate(duration);
        var full = FullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        try
        {
            var handle = new FileStream(full, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            return Task.FromResult<IBlobLease?>(new FileLease(handle));
        }
        catch (IOException e) when (HeldElsewhere(e))
        {
            return Task.FromResult<IBlobLease?>(null);
        }
    }

    /// <summary>
    /// How .NET reports a file locked by another handle: EWOULDBLOCK from flock on Unix (11 on Linux, 35 on macOS), a
    /// sharing or lock violation on Windows (32, 33). Any other failure to open is an error.
    /// </summary>
    private static bool HeldElsewhere(IOException e) =>
        e.GetType() == typeof(IOException) && (OperatingSystem.IsWindows() ? (e.HResult & 0xFFFF) is 32 or 33 : e.HResult is 11 or 35);

    /// <inheritdoc />
    public string Describe(string path) => FullPath(path);

    private string FullPath(string path) =>
        BlobPath.Validate(path).StartsWith(TempFolder + "/", StringComparison.Ordinal)
            ? throw new ArgumentException($"Blob path '{path}' is under {TempFolder}/, where the embedded store keeps its writes in progress.", nameof(path))
            : Path.Combine(_root, path.Replace('/', Path.DirectorySeparatorChar));

    private static string ETagOf(FileInfo info) =>
        string.Create(CultureInfo.InvariantCulture, $"\"{info.LastWriteTimeUtc.Ticks:x}-{info.Length:x}\"");

    /// <summary>A lease held as the open, exclusively locked handle of the blob's file; closing it releases the lock.</summary>
    private sealed class FileLease(FileStream handle) : IBlobLease
    {
        private FileStream? _handle = handle;

        public Task<bool> RenewAsync(CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return Task.FromResult(Volatile.Read(ref _handle) is not null);
        }

        public Task ReleaseAsync(CancellationToken cancellationToken = default)
        {
            Interlocked.Exchange(ref _handle, null)?.Dispose();
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            Interlocked.Exchange(ref _handle, null)?.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
