using System.Text;
using KpiFunctions.Storage.Blobs;
using KpiFunctions.Storage.Embedded;
using KpiFunctions.Tests.Shared;

namespace KpiFunctions.Storage.Tests;

public sealed class FileBlobStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly FileBlobStore _store;

    public FileBlobStoreTests() => _store = new FileBlobStore(_dir.Path);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_written_blob_reads_back_byte_for_byte()
    {
        await Upload("curated/orders/date=2026-03-10/store=s1/part-00000.jsonl.gz", "hello");

        Assert.Equal("hello", await Read("curated/orders/date=2026-03-10/store=s1/part-00000.jsonl.gz"));
        Assert.True(await _store.ExistsAsync("curated/orders/date=2026-03-10/store=s1/part-00000.jsonl.gz"));
    }

    [Fact]
    public async Task Overwriting_replaces_the_blob_and_leaves_no_temporary_files()
    {
        await Upload("a/b.txt", "first version, longer");
        await Upload("a/b.txt", "second");

        Assert.Equal("second", await Read("a/b.txt"));
        Assert.Equal(["b.txt"], Directory.GetFiles(Path.Combine(_dir.Path, "a")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_missing_blob_reads_as_null_and_deletes_as_false()
    {
        Assert.Null(await _store.OpenReadAsync("nope/x.txt"));
        Assert.False(await _store.DeleteIfExistsAsync("nope/x.txt"));
        Assert.False(await _store.ExistsAsync("nope/x.txt"));
    }

    [Fact]
    public async Task Listing_by_prefix_returns_matching_blobs_in_path_order()
    {
        await Upload("curated/orders/date=2026-03-11/store=s1/p", "1");
        await Upload("curated/orders/date=2026-03-10/store=s2/p", "22");
        await Upload("curated/orders/date=2026-03-10/store=s1/p", "333");
        await Upload("curated/refunds/date=2026-03-10/store=s1/p", "4");

        var items = new List<BlobItem>();
        await foreach (var item in _store.ListAsync("curated/orders/date=2026-03-1"))
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
        var first = await _store.UploadAsync("lock/x", Stream("1"), new BlobUploadOptions { OnlyIfMissing = true });
        var second = await _store.UploadAsync("lock/x", Stream("2"), new BlobUploadOptions { OnlyIfMissing = true });

        Assert.True(first.Written);
        Assert.False(second.Written);
        Assert.Equal("1", await Read("lock/x"));
    }

    [Fact]
    public async Task If_match_writes_only_over_the_expected_version()
    {
        var v1 = await Upload("doc", "v1");
        var stale = await _store.UploadAsync("doc", Stream("v2"), new BlobUploadOptions { IfMatch = "\"not-it\"" });
        var fresh = await _store.UploadAsync("doc", Stream("v2"), new BlobUploadOptions { IfMatch = v1.ETag });

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
        await Assert.ThrowsAsync<ArgumentException>(() => _store.UploadAsync(path, Stream("x")));
    }

    private async Task<BlobWriteResult> Upload(string path, string text) => await _store.UploadAsync(path, Stream(text));

    private async Task<string> Read(string path)
    {
        await using var stream = await _store.OpenReadAsync(path) ?? throw new FileNotFoundException(path);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    private static MemoryStream Stream(string text) => new(Encoding.UTF8.GetBytes(text));
}
