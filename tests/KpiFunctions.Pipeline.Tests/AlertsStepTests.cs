using KpiFunctions.Core.Alerts;
using KpiFunctions.Core.Catalog;
using KpiFunctions.Pipeline.Alerts;
using KpiFunctions.Pipeline.Kpis;
using KpiFunctions.Pipeline.Steps;

namespace KpiFunctions.Pipeline.Tests;

public sealed class AlertsStepTests : IDisposable
{
    private static readonly DateOnly Monday = new(2026, 11, 16);
    private readonly Harness _h = new(2);

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task A_store_days_gmv_far_below_its_mondays_is_stored_as_a_critical_alert_once_however_often_it_runs()
    {
        await _h.SeedAsync(Monday, Monday);
        await _h.Runner().RunAsync(new RunRequest(Monday, Monday, ["uk-main"]));
        var repository = new KpiDailyRepository(_h.Storage.Tables, KpiCatalog.Default);
        var today = (await repository.QueryAsync(Monday, Monday, "uk-main")).Single();

        // Six earlier Mondays of GMV 100, 110, 105, 95, 100, 90: median 100, MAD 5; today 60 → (60 − 100) / (1.4826 × 5) = −5.3959.
        decimal[] gmv = [100m, 110m, 105m, 95m, 100m, 90m];
        var history = gmv.Select((value, i) => WithGmv(today, value) with { Date = Monday.AddDays(-7 * (i + 1)) }).ToList();
        await repository.SaveAsync([.. history, WithGmv(today, 60m)]);

        var alerts = await new AlertsStep(_h.Storage, KpiCatalog.Default).DetectAsync(Monday, Monday, ["uk-main"]);
        await new AlertsStep(_h.Storage, KpiCatalog.Default).DetectAsync(Monday, Monday, ["uk-main"]);
        var stored = await AlertsStep.ListAsync(_h.Storage.Tables);

        var alert = Assert.Single(alerts, a => a.KpiId == "gmv");
        Assert.Equal((60m, 100m, 5m, -5.3959m, AlertSeverity.Critical), (alert.Value, alert.Baseline, alert.Mad, alert.Deviation, alert.Severity));
        Assert.Equal(alerts.Count, stored.Count); // run again: replaced, not added
        Assert.Equal(alert, Assert.Single(stored, a => a.KpiId == "gmv"));

        // The day is corrected back to a usual 100: its alert goes; another store's alert on that day stays.
        await _h.Storage.Tables.UpsertEntityAsync(TableNames.Alerts, new Storage.Tables.TableEntity("2026-11-16", "us-west|orders") { ["Value"] = 1m, ["Severity"] = "Warning", ["Reason"] = "kept" });
        await repository.SaveAsync([WithGmv(today, 100m)]);
        await new AlertsStep(_h.Storage, KpiCatalog.Default).DetectAsync(Monday, Monday, ["uk-main"]);
        var after = await AlertsStep.ListAsync(_h.Storage.Tables);
        Assert.DoesNotContain(after, a => a.StoreId == "uk-main" && a.KpiId == "gmv");
        Assert.Contains(after, a => a.StoreId == "us-west" && a.KpiId == "orders" && a.Reason == "kept");
    }

    [Fact]
    public async Task Alerts_older_than_the_retention_are_deleted_and_a_backfill_does_not_store_them()
    {
        await _h.SeedAsync(Monday, Monday);
        await _h.Runner().RunAsync(new RunRequest(Monday, Monday, ["uk-main"]));
        var repository = new KpiDailyRepository(_h.Storage.Tables, KpiCatalog.Default);
        var today = (await repository.QueryAsync(Monday, Monday, "uk-main")).Single();
        decimal[] gmv = [100m, 110m, 105m, 95m, 100m, 90m];
        await repository.SaveAsync([.. gmv.Select((value, i) => WithGmv(today, value) with { Date = Monday.AddDays(-7 * (i + 1)) }), WithGmv(today, 60m)]);

        // Stored long ago, for two stores: one day before the retention's first day, and that first day itself.
        foreach (var (date, store) in new[] { ("2026-11-08", "uk-main"), ("2026-11-08", "us-west"), ("2026-11-09", "us-west") })
        {
            await _h.Storage.Tables.UpsertEntityAsync(TableNames.Alerts, new Storage.Tables.TableEntity(date, store + "|orders") { ["Value"] = 1m, ["Severity"] = "Warning", ["Reason"] = "old" });
        }

        // Keeping from the 9th: the 8th goes for every store, the 9th and the Monday's new alert stay.
        await new AlertsStep(_h.Storage, KpiCatalog.Default, new DateOnly(2026, 11, 9)).DetectAsync(Monday, Monday, ["uk-main"]);
        var kept = await AlertsStep.ListAsync(_h.Storage.Tables);
        Assert.DoesNotContain(kept, a => a.Date < new DateOnly(2026, 11, 9));
        Assert.Contains(kept, a => a.Date == new DateOnly(2026, 11, 9) && a.StoreId == "us-west");
        Assert.Contains(kept, a => a.Date == Monday && a.KpiId == "gmv");

        // A backfill of a window wholly before the retention: its alerts are detected but neither stored nor counted.
        var backfilled = await new AlertsStep(_h.Storage, KpiCatalog.Default, Monday.AddDays(1)).DetectAsync(Monday, Monday, ["uk-main"]);
        Assert.Empty(backfilled);
        Assert.Empty(await AlertsStep.ListAsync(_h.Storage.Tables));
    }

    [Fact]
    public async Task Over_five_weeks_of_a_real_run_alerts_get_baselines_and_the_publish_writes_them()
    {
        // Long enough for same-weekday baselines (four earlier weeks): medians of an even count have a seventh decimal.
        using var h = new Harness(1);
        var to = new DateOnly(2026, 11, 19);
        var from = to.AddDays(-35);
        await h.SeedAsync(from, to);

        var run = await h.Runner().RunAsync(new RunRequest(from, to));
        var alerts = await AlertsStep.ListAsync(h.Storage.Tables);
        var manifest = (await new Semantic.SemanticPublisher(h.Storage, KpiCatalog.Default, TimeSpan.FromDays(7), h.Time).CurrentAsync())!;

        Assert.Equal(Runs.RunStatus.Completed, run.Header.Status);
        Assert.Contains(alerts, a => a.Baseline is not null);
        Assert.All(alerts, a => Assert.True((a.Baseline ?? 0).Scale <= 6 && (a.Mad ?? 0).Scale <= 6, a.Reason));
        Assert.Equal(alerts.Count, manifest.Tables.Single(t => t.Name == "fact_alerts").Rows);
        Assert.Contains($"{alerts.Count} alerts", run.Header.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Red_alone_alerts_on_the_day_a_kpi_turns_red_not_on_each_day_it_stays_red()
    {
        var sunday = Monday.AddDays(-1);
        await _h.SeedAsync(sunday.AddDays(-1), Monday);
        await _h.Runner().RunAsync(new RunRequest(sunday.AddDays(-1), Monday, ["uk-main"]));
        var repository = new KpiDailyRepository(_h.Storage.Tables, KpiCatalog.Default);
        var rows = (await repository.QueryAsync(sunday.AddDays(-1), Monday, "uk-main")).ToDictionary(r => r.Date);

        // Refunds: green on Saturday, red on Sunday and Monday (no baseline yet, so only the thresholds speak).
        await repository.SaveAsync([WithRefunds(rows[sunday.AddDays(-1)], RagStatus.Green), WithRefunds(rows[sunday], RagStatus.Red), WithRefunds(rows[Monday], RagStatus.Red)]);
        var alerts = await new AlertsStep(_h.Storage, KpiCatalog.Default).DetectAsync(sunday.AddDays(-1), Monday, ["uk-main"]);

        var refund = Assert.Single(alerts, a => a.KpiId == "refund_rate");
        Assert.Equal((sunday, AlertSeverity.Warning, "refund_rate is 9: turned red on its thresholds"), (refund.Date, refund.Severity, refund.Reason));

        // Monday alone in the window still knows Sunday was red: no alert.
        Assert.DoesNotContain(await new AlertsStep(_h.Storage, KpiCatalog.Default).DetectAsync(Monday, Monday, ["uk-main"]), a => a.KpiId == "refund_rate");
    }

    private static KpiDailyRow WithRefunds(KpiDailyRow row, RagStatus status)
    {
        var kpis = row.Kpis.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        kpis["refund_rate"] = kpis["refund_rate"] with { Value = 9m, Status = status };
        return row with { Kpis = kpis };
    }

    private static KpiDailyRow WithGmv(KpiDailyRow row, decimal value)
    {
        var kpis = row.Kpis.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        kpis["gmv"] = kpis["gmv"] with { Value = value, Status = RagStatus.Green };
        return row with { Kpis = kpis };
    }
}
