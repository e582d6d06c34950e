using KpiFunctions.Core.Alerts;
using KpiFunctions.Core.Catalog;

namespace KpiFunctions.Core.Tests;

public class AnomalyDetectorTests
{
    // Six Mondays of one store's KPI: sorted 10, 11, 11, 12, 12, 13 → median 11.5; |x − 11.5| sorted
    // 0.5, 0.5, 0.5, 0.5, 1.5, 1.5 → MAD 0.5; 1.4826 × 0.5 = 0.7413.
    private static readonly decimal[] History = [10m, 12m, 11m, 13m, 12m, 11m];
    private static readonly DateOnly Monday = new(2026, 11, 16);

    private static KpiDefinition Gmv => KpiCatalog.Default.Kpis.Single(k => k.Id == "gmv");

    private static KpiDefinition RefundRate => KpiCatalog.Default.Kpis.Single(k => k.Id == "refund_rate");

    [Fact]
    public void Median_and_mad_by_hand()
    {
        Assert.Equal(11.5m, AnomalyDetector.Median(History));
        Assert.Equal(0.5m, AnomalyDetector.Mad(History));
        Assert.Equal(12m, AnomalyDetector.Median([13m, 12m, 1m]));
        Assert.Throws<ArgumentException>(() => AnomalyDetector.Median([]));
    }

    [Theory]
    [InlineData("6", "-7.4194", AlertSeverity.Critical)]   // −5.5 / 0.7413: far below
    [InlineData("9.2", "-3.1027", AlertSeverity.Warning)]  // −2.3 / 0.7413: past 3
    public void A_value_unusually_low_for_a_kpi_where_higher_is_better_is_an_alert(string value, string z, AlertSeverity severity)
    {
        var alert = AnomalyDetector.Check("uk-main", Monday, Gmv, decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture), History, red: false)!;

        Assert.Equal((11.5m, 0.5m, decimal.Parse(z, System.Globalization.CultureInfo.InvariantCulture), severity), (alert.Baseline, alert.Mad, alert.Deviation, alert.Severity));
        Assert.Contains("against a usual 11.5 on this weekday", alert.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_usual_value_or_a_good_surprise_is_no_alert_and_red_alone_is_a_warning()
    {
        Assert.Null(AnomalyDetector.Check("uk-main", Monday, Gmv, 9.5m, History, red: false)); // z −2.698
        Assert.Null(AnomalyDetector.Check("uk-main", Monday, Gmv, 30m, History, red: false));  // far above: good for GMV
        Assert.Null(AnomalyDetector.Check("uk-main", Monday, RefundRate, 6m, History, red: false)); // far below: good for refunds

        var red = AnomalyDetector.Check("uk-main", Monday, Gmv, 9.5m, History, red: true)!;
        Assert.Equal(AlertSeverity.Warning, red.Severity);
        Assert.Equal("gmv is 9.5: turned red on its thresholds", red.Reason);

        // Unusual and red at once is critical even short of z 5.
        Assert.Equal(AlertSeverity.Critical, AnomalyDetector.Check("uk-main", Monday, Gmv, 9.2m, History, red: true)!.Severity);
    }

    [Fact]
    public void A_history_mostly_of_one_value_still_shows_a_real_drop()
    {
        // Orders 5, 5, 5, 6, 5, 5: median 5, MAD 0. Mean |x − 5| = 1/6; spread 1.2533 / 6 = 0.208883…; 0 orders → z −23.9368.
        var alert = AnomalyDetector.Check("uk-main", Monday, Gmv, 0m, [5m, 5m, 5m, 6m, 5m, 5m], red: false)!;

        Assert.Equal((5m, 0m, -23.9368m, AlertSeverity.Critical), (alert.Baseline, alert.Mad, alert.Deviation, alert.Severity));
        Assert.Null(AnomalyDetector.Check("uk-main", Monday, Gmv, 5m, [5m, 5m, 5m, 6m, 5m, 5m], red: false));
    }

    [Fact]
    public void Baseline_and_mad_are_kept_to_six_decimals_like_every_kpi_figure()
    {
        // Median of 0.000001 … 0.000004 is 0.0000025 (7 places), stored as 0.000002 (to even); the z uses the exact one.
        var alert = AnomalyDetector.Check("uk-main", Monday, Gmv, 0.000001m, [0.000001m, 0.000002m, 0.000003m, 0.000004m], red: true)!;

        Assert.Equal((0.000002m, 0.000001m), (alert.Baseline, alert.Mad));
        Assert.All(new[] { alert.Baseline!.Value, alert.Mad!.Value }, v => Assert.True(v.Scale <= 6, $"{v} has {v.Scale} places"));
    }

    [Fact]
    public void Without_enough_history_or_with_a_steady_one_only_the_thresholds_speak()
    {
        Assert.Null(AnomalyDetector.Check("uk-main", Monday, Gmv, 1m, [10m, 11m, 12m], red: false)); // three weeks: no baseline
        Assert.Null(AnomalyDetector.Check("uk-main", Monday, Gmv, 1m, [10m, 10m, 10m, 10m, 10m], red: false)); // no spread at all: no z

        var steady = AnomalyDetector.Check("uk-main", Monday, Gmv, 1m, [10m, 10m, 10m, 10m], red: true)!;
        Assert.Equal((10m, 0m, (decimal?)null), (steady.Baseline, steady.Mad, steady.Deviation));
    }
}
