using System.Globalization;
using System.Text.Json;
using KpiFunctions.Storage.Azure;
using KpiFunctions.Storage.Tables;
using KpiFunctions.Tests.Shared;

namespace KpiFunctions.Storage.Tests;

/// <summary>Our clients and Microsoft's JavaScript SDKs (@azure/storage-blob, @azure/data-tables) read each other's writes on Azurite.</summary>
public sealed class OfficialSdkTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_blob_we_write_in_blocks_downloads_identically_with_the_official_sdk()
    {
        var container = AzuriteFixture.NewContainer();
        var store = new AzureBlobStore(azurite.ConnectionString, container);
        var data = new byte[10 * 1024 * 1024 + 777];
        new Random(3).NextBytes(data);

        await store.UploadAsync("x/ours.bin", new MemoryStream(data));
        var downloaded = await Node.ScriptAsync("azure.mjs", "blob-get", azurite.ConnectionString, container, "x/ours.bin");

        Assert.Equal(data, Convert.FromBase64String(downloaded.GetProperty("base64").GetString()!));
    }

    [Fact]
    public async Task A_blob_the_official_sdk_writes_reads_identically_with_ours()
    {
        var container = AzuriteFixture.NewContainer();
        var data = new byte[9 * 1024 * 1024 + 5];
        new Random(4).NextBytes(data);
        var file = Path.Combine(_dir.Path, "data.b64");
        await File.WriteAllTextAsync(file, Convert.ToBase64String(data));

        await Node.ScriptAsync("azure.mjs", "blob-put", azurite.ConnectionString, container, "date=2026-11-01/theirs.bin", file);
        var store = new AzureBlobStore(azurite.ConnectionString, container);
        await using var stream = await store.OpenReadAsync("date=2026-11-01/theirs.bin");
        using var copy = new MemoryStream();
        await stream!.CopyToAsync(copy);

        Assert.Equal(data, copy.ToArray());
    }

    [Fact]
    public async Task A_blob_whose_stored_md5_does_not_match_its_content_fails_to_read()
    {
        var container = AzuriteFixture.NewContainer();
        var data = new byte[5 * 1024 * 1024]; // over the SDK's single-shot size: staged blocks, whose commit stores the MD5 unchecked
        new Random(5).NextBytes(data);
        var file = Path.Combine(_dir.Path, "data.b64");
        await File.WriteAllTextAsync(file, Convert.ToBase64String(data));
        var wrong = Convert.ToBase64String(System.Security.Cryptography.MD5.HashData(data.AsSpan(1)));

        await Node.ScriptAsync("azure.mjs", "blob-put", azurite.ConnectionString, container, "bad.bin", file, wrong);
        var store = new AzureBlobStore(azurite.ConnectionString, container);
        await using var stream = await store.OpenReadAsync("bad.bin");

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => stream!.CopyToAsync(Stream.Null));
        Assert.Contains(container + "/bad.bin", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_entity_we_write_has_the_same_values_and_edm_types_in_the_official_sdk()
    {
        var table = "Sdk" + Guid.NewGuid().ToString("N")[..16];
        var store = new AzureTableStore(azurite.ConnectionString);
        await store.CreateTableIfNotExistsAsync(table);
        var guid = Guid.NewGuid();
        await store.UpsertEntityAsync(table, new TableEntity("p", "r")
        {
            ["S"] = "héllo",
            ["I"] = 42,
            ["L"] = long.MinValue,
            ["D"] = 2.5,
            ["B"] = true,
            ["G"] = guid,
            ["Bin"] = new byte[] { 1, 2, 250 },
            ["T"] = new DateTimeOffset(1969, 7, 20, 20, 17, 40, TimeSpan.Zero),
        });

        var entity = (await Node.ScriptAsync("azure.mjs", "table-get", azurite.ConnectionString, table, "p", "r")).GetProperty("entity");

        Assert.Equal(("Edm.String", "héllo"), Typed(entity, "S"));
        Assert.Equal(("Edm.Int32", "42"), Typed(entity, "I"));
        Assert.Equal(("Edm.Int64", long.MinValue.ToString(CultureInfo.InvariantCulture)), Typed(entity, "L"));
        // A whole double (2.0) would come back as Int32 here: the JavaScript SDK infers the type from a JS number,
        // which has lost the ".0" the service sent, so the check uses a fractional value.
        Assert.Equal(("Edm.Double", "2.5"), Typed(entity, "D"));
        Assert.Equal(("Edm.Boolean", "true"), Typed(entity, "B"));
        Assert.Equal(("Edm.Guid", guid.ToString("D")), Typed(entity, "G"));
        Assert.Equal(("Edm.Binary", Convert.ToBase64String(new byte[] { 1, 2, 250 })), Typed(entity, "Bin"));
        Assert.Equal("Edm.DateTime", Typed(entity, "T").Type);
        Assert.Equal(new DateTimeOffset(1969, 7, 20, 20, 17, 40, TimeSpan.Zero), DateTimeOffset.Parse(Typed(entity, "T").Value, CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task An_entity_the_official_sdk_writes_reads_back_with_our_types()
    {
        var table = "Sdk" + Guid.NewGuid().ToString("N")[..16];
        var file = Path.Combine(_dir.Path, "entity.json");
        await File.WriteAllTextAsync(file, """
            {"partitionKey":"p","rowKey":"r","S":"text","I":7,"B":false,
             "L":{"value":"9007199254740993","type":"Int64"},"D":{"value":"0.5","type":"Double"},
             "T":{"value":"2026-03-10T01:02:03.4560000Z","type":"DateTime"},
             "G":{"value":"6f1e3a2b-0c4d-4e5f-8a9b-1c2d3e4f5a6b","type":"Guid"},"Bin":{"value":"AQL6","type":"Binary"}}
            """);

        await Node.ScriptAsync("azure.mjs", "table-put", azurite.ConnectionString, table, file);
        var store = new AzureTableStore(azurite.ConnectionString);
        var entity = await store.GetEntityAsync(table, "p", "r");

        Assert.NotNull(entity);
        Assert.Equal("text", entity["S"]);
        Assert.Equal(7, entity["I"]);
        Assert.Equal(false, entity["B"]);
        Assert.Equal(9007199254740993L, entity["L"]);
        Assert.Equal(0.5, entity["D"]);
        Assert.Equal(new DateTimeOffset(2026, 3, 10, 1, 2, 3, 456, TimeSpan.Zero), entity["T"]);
        Assert.Equal(Guid.Parse("6f1e3a2b-0c4d-4e5f-8a9b-1c2d3e4f5a6b"), entity["G"]);
        Assert.Equal(new byte[] { 1, 2, 250 }, entity["Bin"]);
    }

    /// <summary>With type conversion off, the SDK gives every property as {value, type}, the value as text.</summary>
    private static (string Type, string Value) Typed(JsonElement entity, string name)
    {
        var p = entity.GetProperty(name);
        return ("Edm." + p.GetProperty("type").GetString(), p.GetProperty("value").GetString()!);
    }
}
