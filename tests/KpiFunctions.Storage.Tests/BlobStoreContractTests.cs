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
}

public sealed class AzureBlobStoreTests(AzuriteFixture azurite) : BlobStoreContract, IClassFixture<AzuriteFixture>
{
    private readonly AzureBlobStore _store = new(azurite.ConnectionString, AzuriteFixture.NewContainer(), new AzureBlobStoreOptions { ListPageSize = 10 });

    protected override IBlobStore Store => _store;

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
        var wrongKey = azurite.ConnectionString.Replace(StorageConnectionString.DevelopmentAccountKey, Convert.ToBase64String(new byte[64]), StringComparison.Ordinal);
        var denied = new AzureBlobStore(wrongKey, _store.Container);

        var ex = await Assert.ThrowsAsync<StorageRequestException>(() => denied.ExistsAsync("typed.json.gz"));

        Assert.Equal(403, ex.Status);
        Assert.Equal("AuthorizationFailure", ex.ErrorCode);
        Assert.DoesNotContain(StorageConnectionString.DevelopmentAccountKey, ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("SharedKey", ex.Message, StringComparison.Ordinal);
    }
}
