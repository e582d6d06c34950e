using System.Text;
using KpiFunctions.Storage.Azure;
using KpiFunctions.Storage.Blobs;
using KpiFunctions.Storage.Embedded;
using KpiFunctions.Tests.Shared;

namespace KpiFunctions.Storage.Tests;

public sealed class FolderContainerBlobStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task A_paths_first_folder_is_its_container_and_listing_gives_whole_paths_back()
    {
        var store = new FolderContainerBlobStore(["raw", "curated"], folder => new FileBlobStore(Path.Combine(_dir.Path, "container-" + folder)));

        await store.UploadAsync("curated/orders/date=2026-11-01/a.parquet", Bytes("A"));
        await store.UploadAsync("raw/tiktok/p1.json.gz", Bytes("R"));

        Assert.True(File.Exists(Path.Combine(_dir.Path, "container-curated", "orders", "date=2026-11-01", "a.parquet")));
        Assert.True(File.Exists(Path.Combine(_dir.Path, "container-raw", "tiktok", "p1.json.gz")));
        Assert.Equal(["curated/orders/date=2026-11-01/a.parquet"], await PathsAsync(store, "curated/orders/"));
        Assert.Equal(["curated/orders/date=2026-11-01/a.parquet", "raw/tiktok/p1.json.gz"], await PathsAsync(store, ""));
        Assert.Equal(["raw/tiktok/p1.json.gz"], await PathsAsync(store, "ra"));
        Assert.True(await store.ExistsAsync("raw/tiktok/p1.json.gz"));
        Assert.True(await store.DeleteIfExistsAsync("raw/tiktok/p1.json.gz"));
        Assert.False(await store.ExistsAsync("raw/tiktok/p1.json.gz"));
    }

    [Fact]
    public async Task A_lease_is_on_the_blob_in_the_paths_container()
    {
        var store = new FolderContainerBlobStore(["raw", "semantic"], folder => new FileBlobStore(Path.Combine(_dir.Path, "container-" + folder)));

        await using var lease = await store.TryAcquireLeaseAsync("semantic/publish.lock", TimeSpan.FromSeconds(15));
        var onTheContainer = await new FileBlobStore(Path.Combine(_dir.Path, "container-semantic")).TryAcquireLeaseAsync("publish.lock", TimeSpan.FromSeconds(15));

        Assert.NotNull(lease);
        Assert.Null(onTheContainer);
        Assert.Equal(["semantic/publish.lock"], await PathsAsync(store, "semantic/"));
    }

    [Theory]
    [InlineData("semantic/x.parquet", "is in folder 'semantic', which has no container; the folders are curated, raw")]
    [InlineData("orders.parquet", "has no folder and name")]
    [InlineData("raw/", "has no folder and name")]
    public async Task A_path_outside_the_folders_is_refused_naming_them(string path, string message)
    {
        var store = new FolderContainerBlobStore(["raw", "curated"], folder => new FileBlobStore(Path.Combine(_dir.Path, folder)));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => store.UploadAsync(path, Bytes("x")));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_azurite_each_folder_is_a_container_of_the_account()
    {
        await using var azurite = await AzuriteProcess.StartAsync();
        var account = StorageAccount.Parse(azurite.ConnectionString);
        var prefix = "t" + Guid.NewGuid().ToString("N")[..8] + "-";
        var store = new FolderContainerBlobStore(["raw", "curated"], folder => new AzureBlobStore(account, prefix + folder));

        await store.UploadAsync("curated/orders/a.parquet", Bytes("A"));
        await store.UploadAsync("raw/b.json", Bytes("B"));

        // Read back through a store on the container itself: the folder is the container, not part of the name.
        var curated = new AzureBlobStore(account, prefix + "curated");
        Assert.Equal(["orders/a.parquet"], await PathsAsync(curated, ""));
        Assert.Equal(["curated/orders/a.parquet", "raw/b.json"], await PathsAsync(store, ""));
        Assert.EndsWith($"/{prefix}curated/orders/a.parquet", store.Describe("curated/orders/a.parquet"), StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();

    private static MemoryStream Bytes(string text) => new(Encoding.UTF8.GetBytes(text));

    private static async Task<List<string>> PathsAsync(IBlobStore store, string prefix)
    {
        var paths = new List<string>();
        await foreach (var item in store.ListAsync(prefix))
        {
            paths.Add(item.Path);
        }

        return [.. paths.Order(StringComparer.Ordinal)];
    }
}
