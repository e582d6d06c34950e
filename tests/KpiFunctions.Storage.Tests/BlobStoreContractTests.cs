using System.Diagnostics;
using System.Text;
using KpiFunctions.Storage.Azure;
using KpiFunctions.Storage.Blobs;
using KpiFunctions.Storage.Embedded;
using KpiFunctions.Tests.Shared;

namespace KpiFunctions.Storage.Tests;

/// <summary>
/// What every <see cref="IBlobStore"/> must do, run against the embedded folder store and against Azure Blob
/// Storage on Azurite, so the two cannot drift.
/// </summary>
public abstract class BlobStoreContract
{
    protected static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(15);

    protected abstract IBlobStore Store { get; }

    [Fact]
    public async Task A_written_blob_reads_back_byte_for_byte()
    {
        await Upload("curated/orders/date=2026-03-10/store=s1/part-00000.jsonl.gz", "hello");

        Assert.Equal("hello", await Read("curated/orders/date=2026-03-10/store=s1/part-00000.jsonl.gz"));
        Assert.True(await Store.ExistsAsync("curated/orders/date=2026-03-10/store=s1/part-00000.jsonl.gz"));
    }

    [Fact]
    public async Task Overwriting_replaces_the_blob()
    {
        await Upload("a/b.txt", "first version, longer");
        await Upload("a/b.txt", "second");

        Assert.Equal("second", await Read("a/b.txt"));
        var listed = await List("a/");
        Assert.Equal(["a/b.txt"], listed.Select(i => i.Path));
    }

    [Fact]
    public async Task A_blob_of_64_MiB_round_trips_whole()
    {
        var data = new byte[64 * 1024 * 1024];
        new Random(7).NextBytes(data);

        await Store.UploadAsync("big/blob.bin", new MemoryStream(data));
        await using var stream = await Store.OpenReadAsync("big/blob.bin");
        using var copy = new MemoryStream();
        await stream!.CopyToAsync(copy);

        Assert.Equal(data, copy.ToArray());
        Assert.Equal(data.Length, (await List("big/"))[0].Size);
    }

    [Fact]
    public async Task Listing_follows_pages_to_the_end()
    {
        for (var i = 0; i < 25; i++)
        {
            await Upload($"many/{i:D3}", "x");
        }

        var listed = await List("many/");

        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"many/{i:D3}"), listed.Select(b => b.Path));
    }

    [Fact]
    public async Task Ranges_read_exactly_the_bytes_asked_for()
    {
        var data = new byte[10 * 1024 * 1024 + 123];
        new Random(11).NextBytes(data);
        await Store.UploadAsync("ranged/blob.bin", new MemoryStream(data));

        Assert.Equal(data.AsSpan(1000, 4096).ToArray(), await ReadRange("ranged/blob.bin", 1000, 4096));
        Assert.Equal(data.AsSpan(4 * 1024 * 1024 - 10, 4 * 1024 * 1024).ToArray(), await ReadRange("ranged/blob.bin", 4 * 1024 * 1024 - 10, 4 * 1024 * 1024));
        Assert.Equal(data.AsSpan(100, 6 * 1024 * 1024).ToArray(), await ReadRange("ranged/blob.bin", 100, 6 * 1024 * 1024));
        Assert.Equal(data.AsSpan(data.Length - 8).ToArray(), await ReadRange("ranged/blob.bin", data.Length - 8, null));
        Assert.Equal(data.AsSpan(data.Length - 8).ToArray(), await ReadRange("ranged/blob.bin", data.Length - 8, 1000));
        Assert.Equal(data.AsSpan(data.Length - 8).ToArray(), await ReadRange("ranged/blob.bin", data.Length - 8, long.MaxValue));
    }

    [Fact]
    public async Task A_range_past_the_end_reads_empty_and_a_missing_blob_reads_null()
    {
        await Upload("ranged/small", "0123456789");

        Assert.Equal("0123456789"u8.ToArray(), await ReadRange("ranged/small", 0, null));
        Assert.Equal("789"u8.ToArray(), await ReadRange("ranged/small", 7, 50));
        Assert.Empty(await ReadRange("ranged/small", 10, 5));
        Assert.Empty(await ReadRange("ranged/small", 1000, null));
        Assert.Null(await Store.OpenReadRangeAsync("ranged/none", 0, 5));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.OpenReadRangeAsync("ranged/small", -1, 5));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.OpenReadRangeAsync("ranged/small", 0, 0));
    }

    protected async Task<byte[]> ReadRange(string path, long offset, long? length)
    {
        await using var stream = await Store.OpenReadRangeAsync(path, offset, length) ?? throw new FileNotFoundException(path);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    protected async Task<List<BlobItem>> List(string prefix)
    {
        var items = new List<BlobItem>();
        await foreach (var item in Store.ListAsync(prefix))
        {
            items.Add(item);
        }

        return items;
    }

    [Fact]
    public async Task A_missing_blob_reads_as_null_and_deletes_as_false()
    {
        Assert.Null(await Store.OpenReadAsync("nope/x.txt"));
        Assert.False(await Store.DeleteIfExistsAsync("nope/x.txt"));
        Assert.False(await Store.ExistsAsync("nope/x.txt"));
    }

    [Fact]
    public async Task Listing_by_prefix_returns_matching_blobs_in_path_order()
    {
        await Upload("curated/orders/date=2026-03-11/store=s1/p", "1");
        await Upload("curated/orders/date=2026-03-10/store=s2/p", "22");
        await Upload("curated/orders/date=2026-03-10/store=s1/p", "333");
        await Upload("curated/refunds/date=2026-03-10/store=s1/p", "4");

        var items = new List<BlobItem>();
        await foreach (var item in Store.ListAsync("curated/orders/date=2026-03-1"))
        {
            items.Add(item);
        }

        Assert.Equal(
            ["curated/orders/date=2026-03-10/store=s1/p", "curated/orders/date=2026-03-10/store=s2/p", "curated/orders/date=2026-03-11/store=s1/p"],
            items.Select(i => i.Path));
        Assert.Equal(3, items[0].Size);
    }

    [Fact]
    public async Task Only_if_missing_writes_once_and_reports_the_second_as_condition_not_met()
    {
        var first = await Store.UploadAsync("lock/x", Stream("1"), new BlobUploadOptions { OnlyIfMissing = true });
        var second = await Store.UploadAsync("lock/x", Stream("2"), new BlobUploadOptions { OnlyIfMissing = true });

        Assert.True(first.Written);
        Assert.False(second.Written);
        Assert.Equal("1", await Read("lock/x"));
    }

    [Fact]
    public async Task If_match_writes_only_over_the_expected_version()
    {
        var v1 = await Upload("doc", "v1");
        var stale = await Store.UploadAsync("doc", Stream("v2"), new BlobUploadOptions { IfMatch = "\"not-it\"" });
        var fresh = await Store.UploadAsync("doc", Stream("v2"), new BlobUploadOptions { IfMatch = v1.ETag });

        Assert.False(stale.Written);
        Assert.True(fresh.Written);
        Assert.Equal("v2", await Read("doc"));
    }

    [Fact]
    public async Task A_lease_excludes_a_second_holder_until_released_and_its_blob_is_created_empty()
    {
        var first = await Store.TryAcquireLeaseAsync("locks/publish.lock", LeaseDuration);
        var whileHeld = await Store.TryAcquireLeaseAsync("locks/publish.lock", LeaseDuration);
        await first!.ReleaseAsync();
        var afterRelease = await Store.TryAcquireLeaseAsync("locks/publish.lock", LeaseDuration);
        await afterRelease!.DisposeAsync();
        var afterDispose = await Store.TryAcquireLeaseAsync("locks/publish.lock", LeaseDuration);
        await afterDispose!.DisposeAsync();

        Assert.NotNull(first);
        Assert.Null(whileHeld);
        Assert.NotNull(afterRelease);
        Assert.NotNull(afterDispose);
        Assert.Equal([("locks/publish.lock", 0L)], (await List("locks/")).Select(b => (b.Path, b.Size)));
    }

    [Fact]
    public async Task A_held_lease_renews_and_stays_exclusive_and_once_released_renews_no_more()
    {
        var lease = (await Store.TryAcquireLeaseAsync("locks/renewed", LeaseDuration))!;

        var renewed = await lease.RenewAsync();
        var other = await Store.TryAcquireLeaseAsync("locks/renewed", LeaseDuration);
        await lease.ReleaseAsync();
        var renewedAfterRelease = await lease.RenewAsync();

        Assert.True(renewed);
        Assert.Null(other);
        Assert.False(renewedAfterRelease);
    }

    [Fact]
    public async Task A_lease_on_a_blob_with_content_leaves_the_content_alone()
    {
        await Upload("locks/with-content", "kept");

        await using (await Store.TryAcquireLeaseAsync("locks/with-content", LeaseDuration))
        {
            Assert.True(await Store.ExistsAsync("locks/with-content"));
        }

        Assert.Equal("kept", await Read("locks/with-content"));
    }

    [Theory]
    [InlineData(14.9)]
    [InlineData(60.1)]
    public async Task Lease_durations_outside_15_to_60_seconds_are_refused(double seconds)
    {
        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.TryAcquireLeaseAsync("locks/x", TimeSpan.FromSeconds(seconds)));

        Assert.Contains("15 to 60 seconds", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("/abs")]
    [InlineData("a/../b")]
    [InlineData("a//b")]
    [InlineData("a\\b")]
    [InlineData("trailing/")]
    public async Task Paths_that_could_escape_the_root_or_are_malformed_are_refused(string path)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.UploadAsync(path, Stream("x")));
    }

    protected async Task<BlobWriteResult> Upload(string path, string text) => await Store.UploadAsync(path, Stream(text));

    protected async Task<string> Read(string path)
    {
        await using var stream = await Store.OpenReadAsync(path) ?? throw new FileNotFoundException(path);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    protected static MemoryStream Stream(string text) => new(Encoding.UTF8.GetBytes(text));
}

public sealed class FileBlobStoreTests : BlobStoreContract, IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly FileBlobStore _store;

    public FileBlobStoreTests() => _store = new FileBlobStore(_dir.Path);

    protected override IBlobStore Store => _store;

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Writes_leave_no_temporary_files()
    {
        await Upload("a/b.txt", "first version, longer");
        await Upload("a/b.txt", "second");

        Assert.Equal(["b.txt"], Directory.GetFiles(Path.Combine(_dir.Path, "a")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_write_in_progress_is_invisible_to_a_glob_of_the_folder_it_writes_to()
    {
        await Upload("curated/x/part-00000.parquet", "old");
        var folder = Path.Combine(_dir.Path, "curated", "x");
        string[]? seenDuringWrite = null;

        await Store.UploadAsync("curated/x/part-00000.parquet", new ObservedStream("new"u8.ToArray(), () => seenDuringWrite = Directory.GetFiles(folder, "*", SearchOption.AllDirectories)));

        Assert.Equal([Path.Combine(folder, "part-00000.parquet")], seenDuringWrite!);
        Assert.Equal("new", await Read("curated/x/part-00000.parquet"));
    }

    [Fact]
    public void Temporary_files_a_killed_write_left_are_removed_when_the_store_next_opens()
    {
        var temp = Path.Combine(_dir.Path, FileBlobStore.TempFolder);
        var stale = Path.Combine(temp, "part-00000.parquet.tmp-dead");
        var live = Path.Combine(temp, "part-00000.parquet.tmp-live");
        File.WriteAllText(stale, "half a file");
        File.WriteAllText(live, "being written");
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddHours(-2));

        _ = new FileBlobStore(_dir.Path);

        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(live));
    }

    [Fact]
    public async Task A_prefix_ending_inside_a_folder_name_lists_exactly_the_matching_blobs_of_every_depth()
    {
        await Upload("curated/p/date=2026-11-01/store=s1/part", "1");
        await Upload("curated/p/date=2026-11-30/store=s2/deeper/part", "2");
        await Upload("curated/p/date=2026-11-notes", "3");
        await Upload("curated/p/date=2026-10-31/store=s1/part", "4");
        await Upload("curated/p/date=2026-1/store=s1/part", "5");
        await Upload("curated/p/date=2026-110/part", "6");
        await Upload("curated/q/date=2026-11-01/store=s1/part", "7");
        await Upload("curated/p/part", "8");

        var month = await List("curated/p/date=2026-11-");
        var folder = await List("curated/p/date=2026-11-01/");
        var everything = await List("");

        Assert.Equal(
            ["curated/p/date=2026-11-01/store=s1/part", "curated/p/date=2026-11-30/store=s2/deeper/part", "curated/p/date=2026-11-notes"],
            month.Select(i => i.Path));
        Assert.Equal(["curated/p/date=2026-11-01/store=s1/part"], folder.Select(i => i.Path));
        Assert.Equal(8, everything.Count);
        Assert.Equal(everything.Select(i => i.Path).Order(StringComparer.Ordinal), everything.Select(i => i.Path));
    }

    [Fact]
    public async Task The_folder_of_writes_in_progress_is_not_a_blob_path()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Store.UploadAsync(".tmp/x", Stream("x")));

        Assert.Contains("where the embedded store keeps its writes in progress", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lease_excludes_another_store_over_the_same_folder_in_this_process()
    {
        await using var held = await Store.TryAcquireLeaseAsync("semantic/publish.lock", LeaseDuration);

        var other = await new FileBlobStore(_dir.Path).TryAcquireLeaseAsync("semantic/publish.lock", LeaseDuration);

        Assert.NotNull(held);
        Assert.Null(other);
    }

    [Fact]
    public async Task A_lease_is_an_os_lock_other_processes_see_and_one_held_by_a_process_ends_with_it()
    {
        var file = Path.Combine(_dir.Path, "semantic", "publish.lock");
        var lease = (await Store.TryAcquireLeaseAsync("semantic/publish.lock", LeaseDuration))!;
        var lockedForOthers = await FlockAsync("-n", file, "-c", "true"); // util-linux flock(1): flock(2), exit 1 when held
        await lease.ReleaseAsync();
        var freeForOthers = await FlockAsync("-n", file, "-c", "true");

        // Another process takes it (-o: flock itself holds it, not the command it runs) and is killed while holding it.
        using var holder = Process.Start(new ProcessStartInfo("flock", ["-o", file, "-c", "echo held; read line"]) { RedirectStandardInput = true, RedirectStandardOutput = true })!;
        var held = await holder.StandardOutput.ReadLineAsync();
        var whileTheOtherHolds = await Store.TryAcquireLeaseAsync("semantic/publish.lock", LeaseDuration);
        holder.Kill(entireProcessTree: true);
        await holder.WaitForExitAsync();
        var afterItDied = await Store.TryAcquireLeaseAsync("semantic/publish.lock", LeaseDuration);

        Assert.Equal((1, 0), (lockedForOthers, freeForOthers));
        Assert.Equal("held", held);
        Assert.Null(whileTheOtherHolds);
        Assert.NotNull(afterItDied);
        await afterItDied.DisposeAsync();
    }

    private static async Task<int> FlockAsync(params string[] args)
    {
        using var flock = Process.Start(new ProcessStartInfo("flock", args))!;
        await flock.WaitForExitAsync();
        return flock.ExitCode;
    }

    /// <summary>Content that calls back on its first read, while the write is under way.</summary>
    private sealed class ObservedStream(byte[] data, Action onFirstRead) : MemoryStream(data)
    {
        private bool _seen;

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Observe();
            return base.ReadAsync(buffer, cancellationToken);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Observe();
            return base.ReadAsync(buffer, offset, count, cancellationToken);
        }

        public override int Read(Span<byte> buffer)
        {
            Observe();
            return base.Read(buffer);
        }

        // The embedded store copies in-memory content in one call, which reads the buffer without Read.
        public override void CopyTo(Stream destination, int bufferSize)
        {
            Observe();
            base.CopyTo(destination, bufferSize);
        }

        private void Observe()
        {
            if (!_seen)
            {
                _seen = true;
                onFirstRead();
            }
        }
    }
}

public sealed class AzureBlobStoreTests(AzuriteFixture azurite) : BlobStoreContract, IClassFixture<AzuriteFixture>
{
    private readonly AzureBlobStore _store = new(azurite.ConnectionString, AzuriteFixture.NewContainer(), new AzureStorageOptions { ListPageSize = 10 });

    protected override IBlobStore Store => _store;

    [Fact]
    public async Task A_lease_broken_and_taken_by_another_renews_as_lost_and_releases_without_harm()
    {
        var lost = (await Store.TryAcquireLeaseAsync("locks/broken", LeaseDuration))!;
        var blob = StorageAccount.Parse(azurite.ConnectionString).CreateBlobServiceClient().GetBlobContainerClient(_store.Container).GetBlobClient("locks/broken");
        await global::Azure.Storage.Blobs.Specialized.SpecializedBlobExtensions.GetBlobLeaseClient(blob).BreakAsync(TimeSpan.Zero);
        var taker = await Store.TryAcquireLeaseAsync("locks/broken", LeaseDuration);

        var renewed = await lost.RenewAsync();
        await lost.ReleaseAsync();
        var third = await Store.TryAcquireLeaseAsync("locks/broken", LeaseDuration);

        Assert.NotNull(taker);
        Assert.False(renewed);
        Assert.Null(third); // the release of the lost lease left the taker's alone
        Assert.True(await taker.RenewAsync());
    }

    [Fact]
    public async Task Listing_over_5000_blobs_crosses_the_services_page_limit()
    {
        var store = new AzureBlobStore(azurite.ConnectionString, AzuriteFixture.NewContainer()); // default: 5000 per page
        var names = Enumerable.Range(0, 5003).Select(i => $"many/{i:D5}").ToList();
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (name, ct) =>
            await store.UploadAsync(name, Stream("x"), cancellationToken: ct));

        var listed = new List<string>();
        await foreach (var item in store.ListAsync("many/"))
        {
            listed.Add(item.Path);
        }

        Assert.Equal(names, listed);
    }

    [Fact]
    public async Task A_refused_request_carries_status_and_error_code_but_never_the_key()
    {
        await Store.UploadAsync("typed.json.gz", Stream("{}"), new BlobUploadOptions { ContentType = "application/json", ContentEncoding = "gzip" });
        var wrongKey = azurite.ConnectionString.Replace(StorageAccount.DevelopmentAccountKey, Convert.ToBase64String(new byte[64]), StringComparison.Ordinal);
        var denied = new AzureBlobStore(wrongKey, _store.Container);

        var ex = await Assert.ThrowsAsync<StorageRequestException>(() => denied.ExistsAsync("typed.json.gz"));

        Assert.Equal(403, ex.Status);
        Assert.Equal("AuthorizationFailure", ex.ErrorCode);
        Assert.DoesNotContain(StorageAccount.DevelopmentAccountKey, ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("SharedKey", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Check the storage credentials", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0L, null)]
    [InlineData(5L, 4096L)]
    public async Task A_read_corrupted_in_transit_fails_naming_the_blob(long offset, long? length)
    {
        await Store.UploadAsync("flip/blob.bin", new MemoryStream(new byte[100_000]));
        var options = new AzureStorageOptions { ConfigureClient = client => client.AddPolicy(new FlipFirstByte(), global::Azure.Core.HttpPipelinePosition.PerRetry) };
        var store = new AzureBlobStore(azurite.ConnectionString, _store.Container, options);

        var ex = await Assert.ThrowsAsync<InvalidDataException>(async () =>
        {
            await using var stream = length is null ? await store.OpenReadAsync("flip/blob.bin") : await store.OpenReadRangeAsync("flip/blob.bin", offset, length);

            // Read exactly the expected bytes and stop, as a reader that knows the length does: still checked.
            await stream!.ReadExactlyAsync(new byte[length ?? 100_000]);
        });

        Assert.Contains("flip/blob.bin", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(999, 0)]
    [InlineData(1000, 0)]
    [InlineData(2500, 0)]
    [InlineData(2999, 0)]
    [InlineData(3000, 3)]
    [InlineData(3001, 4)]
    [InlineData(4000, 4)]
    [InlineData(25_001, 26)]
    public async Task Uploads_under_the_limit_go_whole_and_from_it_on_as_blocks_from_a_trickling_stream(int size, int blocks)
    {
        var recorder = new Recorder();
        var options = new AzureStorageOptions { BlockSize = 1000, SingleUploadLimit = 3000, UploadConcurrency = 3, ConfigureClient = client => client.AddPolicy(recorder, global::Azure.Core.HttpPipelinePosition.PerCall) };
        var store = new AzureBlobStore(azurite.ConnectionString, _store.Container, options);
        var data = new byte[size];
        new Random(size).NextBytes(data);

        var result = await store.UploadAsync($"sized/{size}", new TrickleStream(data, 7), new BlobUploadOptions { ContentType = "application/octet-stream" });
        await using var read = await store.OpenReadAsync($"sized/{size}");
        using var copy = new MemoryStream();
        await read!.CopyToAsync(copy);

        Assert.True(result.Written);
        Assert.Equal(data, copy.ToArray());
        Assert.Equal(blocks, recorder.Queries.Count(q => q.Contains("comp=block&", StringComparison.Ordinal)));
        Assert.Equal(blocks > 0 ? 1 : 0, recorder.Queries.Count(q => q.Contains("comp=blocklist", StringComparison.Ordinal)));
        Assert.True(recorder.MaxBlocksInFlight <= options.UploadConcurrency, $"{recorder.MaxBlocksInFlight} blocks in flight, limit {options.UploadConcurrency}");
    }

    [Fact]
    public async Task A_failed_block_leaves_the_previous_blob_whole_and_the_upload_fails_naming_the_block()
    {
        await Store.UploadAsync("atomic/blob", Stream("old content"));
        var options = new AzureStorageOptions
        {
            BlockSize = 1000,
            SingleUploadLimit = 1000,
            UploadConcurrency = 2,
            ConfigureClient = client =>
            {
                client.Retry.MaxRetries = 0;
                client.AddPolicy(new RefuseBlock(5), global::Azure.Core.HttpPipelinePosition.PerCall);
            },
        };
        var store = new AzureBlobStore(azurite.ConnectionString, _store.Container, options);

        var ex = await Assert.ThrowsAsync<StorageRequestException>(() => store.UploadAsync("atomic/blob", new MemoryStream(new byte[20_000])));

        Assert.Contains($"Put blob {_store.Container}/atomic/blob", ex.Message, StringComparison.Ordinal);
        Assert.Equal("Md5Mismatch", ex.ErrorCode);
        Assert.Equal("old content", await Read("atomic/blob"));
    }

    [Fact]
    public async Task Two_staged_uploads_racing_on_one_path_leave_one_of_them_whole()
    {
        var options = new AzureStorageOptions { BlockSize = 1000, SingleUploadLimit = 1000, UploadConcurrency = 4 };
        var store = new AzureBlobStore(azurite.ConnectionString, _store.Container, options);
        var a = Enumerable.Repeat((byte)'a', 40_000).ToArray();
        var b = Enumerable.Repeat((byte)'b', 40_000).ToArray();

        for (var round = 0; round < 5; round++)
        {
            // A commit discards the other upload's uncommitted blocks, so the later committer may be told to upload
            // again (400 InvalidBlockList); it must never produce a blob made of both.
            var uploads = new[] { store.UploadAsync("race/blob", new MemoryStream(a)), store.UploadAsync("race/blob", new MemoryStream(b)) };
            try
            {
                await Task.WhenAll(uploads);
            }
            catch (StorageRequestException ex)
            {
                Assert.Equal("InvalidBlockList", ex.ErrorCode);
                Assert.Contains("another upload to this blob committed first", ex.Message, StringComparison.Ordinal);
            }

            Assert.Contains(uploads, u => u.IsCompletedSuccessfully);
            await using var read = await store.OpenReadAsync("race/blob");
            var copy = new MemoryStream();
            await read!.CopyToAsync(copy); // checked against the commit's MD5

            Assert.True(copy.ToArray().SequenceEqual(a) || copy.ToArray().SequenceEqual(b), $"round {round}: the blob mixes the two uploads");
        }
    }

    [Fact]
    public async Task Conditions_hold_for_staged_uploads_and_every_range_read_is_checked_against_the_services_md5()
    {
        var recorder = new Recorder();
        var options = new AzureStorageOptions { BlockSize = 1000, SingleUploadLimit = 1000, ConfigureClient = client => client.AddPolicy(recorder, global::Azure.Core.HttpPipelinePosition.PerCall) };
        var store = new AzureBlobStore(azurite.ConnectionString, _store.Container, options);
        var first = new byte[5000];
        new Random(5).NextBytes(first);

        var created = await store.UploadAsync("staged/cond", new MemoryStream(first), new BlobUploadOptions { OnlyIfMissing = true });
        var again = await store.UploadAsync("staged/cond", new MemoryStream(new byte[5000]), new BlobUploadOptions { OnlyIfMissing = true });
        var stale = await store.UploadAsync("staged/cond", new MemoryStream(new byte[5000]), new BlobUploadOptions { IfMatch = "\"0x0\"" });
        await using (var read = await store.OpenReadAsync("staged/cond"))
        {
            await read!.CopyToAsync(System.IO.Stream.Null);
        }

        Assert.True(created.Written);
        Assert.False(again.Written);
        Assert.False(stale.Written);
        Assert.True(recorder.Gets > 0);
        Assert.Equal(recorder.Gets, recorder.GetsWithRangeMd5);
    }

    /// <summary>Records the query string of every request.</summary>
    private sealed class Recorder : global::Azure.Core.Pipeline.HttpPipelineSynchronousPolicy
    {
        private int _blocksInFlight;

        public System.Collections.Concurrent.ConcurrentQueue<string> Queries { get; } = new();

        public int Gets { get; private set; }

        /// <summary>Downloads that asked for the range's MD5 and got one back.</summary>
        public int GetsWithRangeMd5 { get; private set; }

        public int MaxBlocksInFlight { get; private set; }

        public override void OnSendingRequest(global::Azure.Core.HttpMessage message)
        {
            Queries.Enqueue(message.Request.Uri.Query);
            if (message.Request.Uri.Query.Contains("comp=block&", StringComparison.Ordinal))
            {
                var now = Interlocked.Increment(ref _blocksInFlight);
                lock (Queries)
                {
                    MaxBlocksInFlight = Math.Max(MaxBlocksInFlight, now);
                }
            }
        }

        public override void OnReceivedResponse(global::Azure.Core.HttpMessage message)
        {
            if (message.Request.Uri.Query.Contains("comp=block&", StringComparison.Ordinal))
            {
                Interlocked.Decrement(ref _blocksInFlight);
            }

            if (message.Request.Method == global::Azure.Core.RequestMethod.Get && message.Request.Uri.Query.Length == 0)
            {
                Gets++;
                if (message.Request.Headers.TryGetValue("x-ms-range-get-content-md5", out var asked) && asked == "true" && message.Response.Headers.TryGetValue("Content-MD5", out _))
                {
                    GetsWithRangeMd5++;
                }
            }
        }
    }

    /// <summary>Gives the n-th staged block (from 0) a wrong Content-MD5, so the service refuses it as it would a block damaged on the way.</summary>
    private sealed class RefuseBlock(int index) : global::Azure.Core.Pipeline.HttpPipelineSynchronousPolicy
    {
        private int _staged = -1;

        public override void OnSendingRequest(global::Azure.Core.HttpMessage message)
        {
            var query = System.Web.HttpUtility.ParseQueryString(message.Request.Uri.Query);
            if (query["comp"] == "block" && Interlocked.Increment(ref _staged) == index)
            {
                message.Request.Headers.SetValue("Content-MD5", Convert.ToBase64String(new byte[16]));
            }
        }
    }

    /// <summary>A stream that hands out at most a few bytes per read, as a network stream may.</summary>
    private sealed class TrickleStream(byte[] data, int step) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, step));

        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, step)]);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            base.ReadAsync(buffer, offset, Math.Min(count, step), cancellationToken);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, step)], cancellationToken);
    }

    /// <summary>Flips the first byte of every downloaded body, as a faulty network would.</summary>
    private sealed class FlipFirstByte : global::Azure.Core.Pipeline.HttpPipelinePolicy
    {
        public override void Process(global::Azure.Core.HttpMessage message, ReadOnlyMemory<global::Azure.Core.Pipeline.HttpPipelinePolicy> pipeline) =>
            ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

        public override async ValueTask ProcessAsync(global::Azure.Core.HttpMessage message, ReadOnlyMemory<global::Azure.Core.Pipeline.HttpPipelinePolicy> pipeline)
        {
            await ProcessNextAsync(message, pipeline);
            if (message.Request.Method == global::Azure.Core.RequestMethod.Get && message.Response.ContentStream is { } body && message.Response.Status is 200 or 206)
            {
                var copy = new MemoryStream();
                await body.CopyToAsync(copy);
                var bytes = copy.ToArray();
                bytes[0] ^= 0xFF;
                message.Response.ContentStream = new MemoryStream(bytes);
            }
        }
    }
}
