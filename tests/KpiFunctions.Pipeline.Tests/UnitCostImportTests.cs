using System.Text;
using KpiFunctions.Core.Domain;
using KpiFunctions.Pipeline.Curated;
using KpiFunctions.Pipeline.Reference;
using KpiFunctions.Pipeline.Registry;
using KpiFunctions.Tests.Shared;

namespace KpiFunctions.Pipeline.Tests;

/// <summary>The seller's unit costs, imported from a CSV file: checked whole before anything is written, then merged.</summary>
public sealed class UnitCostImportTests : IDisposable
{
    private const string Header = "store_id,sku_id,unit_cost,currency,valid_from\n";
    private readonly TempDirectory _dir = new();
    private readonly KpiStorage _storage;

    public UnitCostImportTests()
    {
        _storage = KpiStorage.Embedded(_dir.Path);
    }

    public void Dispose()
    {
        (_storage.Tables as IDisposable)?.Dispose();
        _dir.Dispose();
    }

    [Theory]
    [InlineData("uk-main,sku1,4,50,GBP,2026-01-01\n", "line 2: 6 fields, the header has 5")]
    [InlineData("uk-main,sku1,4.5x,GBP,2026-01-01\n", "line 2: unit_cost '4.5x' is not a number")]
    [InlineData("uk-main,sku1,4.50,GBP,01/11/2026\n", "line 2: valid_from '01/11/2026' is not a date")]
    [InlineData("uk-main,,4.50,GBP,2026-01-01\n", "line 2: sku_id is empty")]
    [InlineData("xx-none,sku1,4.50,GBP,2026-01-01\n", "line 2: store 'xx-none' is not registered")]
    [InlineData("uk-main,sku1,4.50,EUR,2026-01-01\n", "line 2: currency 'EUR' is not the store's currency 'GBP'")]
    [InlineData("uk-main,sku1,-4.50,GBP,2026-01-01\n", "line 2: unit cost -4.50 is negative")]
    [InlineData("uk-main,sku1,4.50,GBP,2026-01-01\nuk-main,sku1,4.60,GBP,2026-01-01\n", "line 3: SKU sku1 of uk-main from 2026-01-01 is already on line 2")]
    public async Task A_file_with_any_bad_line_is_refused_naming_the_line_and_writes_nothing(string lines, string message)
    {
        await RegisterAsync();
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => ImportAsync(Encoding.UTF8.GetBytes(Header + lines)));

        Assert.Contains("costs.csv " + message, ex.Message, StringComparison.Ordinal);
        Assert.Contains("nothing imported", ex.Message, StringComparison.Ordinal);
        Assert.False(await _storage.Blobs.ExistsAsync(CuratedStore.ReferencePath(Datasets.ProductCosts, "uk-main")));
    }

    [Fact]
    public async Task A_header_without_a_column_or_with_an_unknown_one_and_a_latin1_file_are_refused_whole()
    {
        await RegisterAsync();

        var missing = await Assert.ThrowsAsync<InvalidDataException>(() => ImportAsync(Encoding.UTF8.GetBytes("store_id,sku_id,unit_cost,valid_from\nuk-main,sku1,4.50,2026-01-01\n")));
        var unknown = await Assert.ThrowsAsync<InvalidDataException>(() => ImportAsync(Encoding.UTF8.GetBytes("store_id,sku_id,unit_cost,currency,valid_from,cost_centre\n")));
        var latin1 = await Assert.ThrowsAsync<InvalidDataException>(() => ImportAsync([.. Encoding.UTF8.GetBytes(Header + "uk-main,caf"), 0xE9, .. Encoding.UTF8.GetBytes(",4.50,GBP,2026-01-01\n")]));

        Assert.Contains("missing currency", missing.Message, StringComparison.Ordinal);
        Assert.Contains("unknown cost_centre", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("is not UTF-8 (line 2)", latin1.Message, StringComparison.Ordinal);
        Assert.False(await _storage.Blobs.ExistsAsync(CuratedStore.ReferencePath(Datasets.ProductCosts, "uk-main")));
    }

    [Fact]
    public async Task A_later_file_adds_new_prices_keeps_the_history_and_replaces_a_skus_entry_for_the_same_day()
    {
        await RegisterAsync();
        await ImportAsync(Encoding.UTF8.GetBytes(Header + "uk-main,sku1,4.50,GBP,2026-01-01\nuk-main,sku2,7.00,gbp,2026-01-01\n"));

        var counts = await ImportAsync(Encoding.UTF8.GetBytes(Header + "uk-main,sku1,4.80,GBP,2026-11-15\n\"uk-main\",\"sku2\",\"6.75\",GBP,2026-01-01\n"));

        var costs = await new CuratedStore(_storage.Blobs).ReadReferenceAsync(CuratedTables.ProductCosts, "uk-main");
        Assert.Equal(3, counts["uk-main"]);
        Assert.Equal(
            [new ProductCost("uk-main", "sku1", 4.50m, "GBP", new DateOnly(2026, 1, 1)), new ProductCost("uk-main", "sku1", 4.80m, "GBP", new DateOnly(2026, 11, 15)), new ProductCost("uk-main", "sku2", 6.75m, "GBP", new DateOnly(2026, 1, 1))],
            costs);
    }

    private async Task<IReadOnlyDictionary<string, int>> ImportAsync(byte[] file) =>
        await new UnitCostImport(_storage).ImportAsync(UnitCostImport.Read(file, "costs.csv"), "costs.csv");

    private async Task RegisterAsync()
    {
        await _storage.EnsureTablesAsync();
        await new StoreRegistry(_storage.Tables).ImportAsync([new Store("uk-main", "UK", "GB", "GBP", "Europe/London")]);
    }
}
