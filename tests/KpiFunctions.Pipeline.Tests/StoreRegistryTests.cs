using KpiFunctions.Core.Domain;
using KpiFunctions.Pipeline.Registry;

namespace KpiFunctions.Pipeline.Tests;

public class StoreRegistryTests
{
    [Fact]
    public async Task Imported_stores_list_back_with_every_field()
    {
        using var h = new Harness();
        await h.Storage.EnsureTablesAsync();
        var registry = new StoreRegistry(h.Storage.Tables);

        await registry.ImportAsync([new Store("th-1", "Thai", "TH", "THB", "Asia/Bangkok", false, ["sea", "team-a"])]);
        var stores = await registry.ListAsync();

        var store = Assert.Single(stores);
        Assert.Equal(("th-1", "Thai", "TH", "THB", "Asia/Bangkok", false), (store.Id, store.Name, store.Country, store.Currency, store.TimeZone, store.Enabled));
        Assert.Equal(["sea", "team-a"], store.Tags);
        Assert.Empty(await registry.ListAsync(enabledOnly: true));
    }

    [Fact]
    public async Task An_import_with_any_bad_store_writes_nothing_and_lists_every_problem()
    {
        using var h = new Harness();
        await h.Storage.EnsureTablesAsync();
        var registry = new StoreRegistry(h.Storage.Tables);

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => registry.ImportAsync(
        [
            new Store("ok", "Fine", "GB", "GBP", "Europe/London"),
            new Store("bad", "Bad", "GB", "POUND", "London"),
            new Store("ok", "Twin", "GB", "GBP", "Europe/London"),
        ]));

        Assert.Contains("store #2 ('bad'): currency 'POUND'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("store #2 ('bad'): time zone 'London'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("store #3: id 'ok' appears more than once", ex.Message, StringComparison.Ordinal);
        Assert.Empty(await registry.ListAsync());
    }

    [Theory]
    [InlineData("\"false\"")]
    [InlineData("\"no\"")]
    [InlineData("0")]
    public void An_enabled_flag_that_is_not_a_json_boolean_is_refused_naming_the_entry(string flag)
    {
        var json = $$"""[{"id":"uk-main","name":"UK","country":"GB","currency":"GBP","timeZone":"Europe/London","enabled":{{flag}}}]""";

        var ex = Assert.Throws<InvalidDataException>(() => StoreFile.Parse(json));

        Assert.Contains($"entry #1: 'enabled' must be true or false (a JSON boolean, without quotes), not {flag}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_enabled_flag_false_disables_the_store()
    {
        var json = """[{"id":"uk-main","name":"UK","country":"GB","currency":"GBP","timeZone":"Europe/London","enabled":false}]""";

        Assert.False(Assert.Single(StoreFile.Parse(json)).Enabled);
    }

    [Fact]
    public void The_sample_stores_file_in_the_docs_parses_and_is_valid()
    {
        var path = Path.Combine(KpiFunctions.Tests.Shared.RepoRoot.Find(), "docs", "stores.sample.json");

        var stores = StoreFile.Parse(File.ReadAllText(path));

        Assert.True(stores.Count >= 3);
        Assert.All(stores, s => Assert.Empty(Core.Validation.StoreValidator.Validate(s)));
    }

    [Fact]
    public async Task A_stores_own_thresholds_parse_validate_and_list_back()
    {
        using var h = new Harness();
        await h.Storage.EnsureTablesAsync();
        var registry = new StoreRegistry(h.Storage.Tables);
        var parsed = StoreFile.Parse("""[{"id":"th-1","name":"T","country":"TH","currency":"THB","timeZone":"Asia/Bangkok","thresholds":{"refund_rate":{"green":5,"amber":8.5},"gmv":{"green":1000,"amber":500}}}]""");

        await registry.ImportAsync(parsed);
        var store = (await registry.GetAsync("th-1"))!;

        Assert.Equal(new Core.Catalog.RagThresholds(5m, 8.5m), store.Thresholds!["refund_rate"]);
        Assert.Equal(new Core.Catalog.RagThresholds(5m, 8.5m), store.ThresholdsFor(Core.Catalog.KpiCatalog.Default.Kpis.Single(k => k.Id == "refund_rate")));
        Assert.Equal(new Core.Catalog.RagThresholds(3m, 6m), new Store("x", "X", "GB", "GBP", "Europe/London").ThresholdsFor(Core.Catalog.KpiCatalog.Default.Kpis.Single(k => k.Id == "refund_rate")));
        Assert.Equal(Core.Catalog.RagStatus.Amber, store.ThresholdsFor(Core.Catalog.KpiCatalog.Default.Kpis.Single(k => k.Id == "gmv"))!.Classify(700m, Core.Catalog.KpiDirection.HigherIsBetter));

        var bad = await Assert.ThrowsAsync<ArgumentException>(() => registry.ImportAsync(
            [new Store("y", "Y", "GB", "GBP", "Europe/London", Thresholds: new Dictionary<string, Core.Catalog.RagThresholds> { ["refund_rate"] = new(8m, 5m), ["nope"] = new(1m, 1m) })]));
        Assert.Contains("refund_rate is lower-is-better, so green (8) must be at or below amber (5)", bad.Message, StringComparison.Ordinal);
        Assert.Contains("'nope' is not a KPI of the catalog", bad.Message, StringComparison.Ordinal);
        Assert.Contains("thresholds.ctr needs numbers 'green' and 'amber'",
            Assert.Throws<InvalidDataException>(() => StoreFile.Parse("""[{"id":"a","name":"A","country":"GB","currency":"GBP","timeZone":"Europe/London","thresholds":{"ctr":{"green":"3"}}}]""")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stores_stage_parses_lists_back_and_is_stable_when_left_out()
    {
        using var h = new Harness();
        await h.Storage.EnsureTablesAsync();
        var registry = new StoreRegistry(h.Storage.Tables);
        var parsed = StoreFile.Parse("""
            [{"id":"th-1","name":"T","country":"TH","currency":"THB","timeZone":"Asia/Bangkok","stage":"cold_start"},
             {"id":"th-2","name":"T2","country":"TH","currency":"THB","timeZone":"Asia/Bangkok","stage":null},
             {"id":"th-3","name":"T3","country":"TH","currency":"THB","timeZone":"Asia/Bangkok"}]
            """);

        await registry.ImportAsync(parsed);
        var stores = await registry.ListAsync();

        Assert.Equal([("th-1", "cold_start"), ("th-2", "stable"), ("th-3", "stable")], stores.OrderBy(s => s.Id, StringComparer.Ordinal).Select(s => (s.Id, s.Stage)));
    }

    [Theory]
    [InlineData("\"launch\"")]
    [InlineData("\"Growth\"")]
    [InlineData("2")]
    public void A_stage_that_is_not_a_catalog_stage_is_refused_naming_the_entry_and_the_stages(string stage)
    {
        var json = $$"""[{"id":"uk-main","name":"UK","country":"GB","currency":"GBP","timeZone":"Europe/London"},{"id":"uk-2","name":"UK","country":"GB","currency":"GBP","timeZone":"Europe/London","stage":{{stage}}}]""";

        var ex = Assert.Throws<InvalidDataException>(() => StoreFile.Parse(json));

        Assert.Contains($"entry #2: 'stage' must be one of cold_start, growth, stable (or left out for stable), not {stage}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stores_file_with_missing_fields_names_the_entry_and_field()
    {
        var ex = Assert.Throws<InvalidDataException>(() => StoreFile.Parse("""[{"id":"a","name":"A","country":"GB","currency":"GBP"}, 5]""", "x.json"));

        Assert.Contains("entry #1: 'timeZone' is missing", ex.Message, StringComparison.Ordinal);
        Assert.Contains("entry #2 is a Number, not an object", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stores_file_that_is_not_json_says_where()
    {
        var ex = Assert.Throws<InvalidDataException>(() => StoreFile.Parse("[{\"id\": }]", "x.json"));

        Assert.Contains("x.json is not valid JSON (line 1", ex.Message, StringComparison.Ordinal);
    }
}
