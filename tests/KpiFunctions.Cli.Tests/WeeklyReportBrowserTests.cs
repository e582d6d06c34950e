using System.Globalization;
using KpiFunctions.Core.Catalog;
using KpiFunctions.Pipeline;
using KpiFunctions.Pipeline.Kpis;
using KpiFunctions.Tests.Shared;
using Microsoft.Playwright;

namespace KpiFunctions.Cli.Tests;

/// <summary>
/// Opens the weekly review pack the demo run writes in a real browser: Debian's Chromium driven by Playwright (never a
/// browser Playwright downloads). Each page must render with no console error and no request beyond itself, show every
/// section, and carry the same numbers as the KpiDaily table, summed here independently. Screenshots are kept in the
/// test output's artefacts folder.
/// </summary>
public sealed class WeeklyReportBrowserTests : IDisposable
{
    private const string Week = "2026-W46";
    private static readonly DateOnly Monday = new(2026, 11, 9);
    private readonly TempDirectory _dir = new();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    [Fact]
    public async Task The_demo_runs_weekly_report_opens_in_chromium_with_every_section_and_the_numbers_of_the_kpi_table()
    {
        var (code, output) = await CliRunner.RunAsync("run", "--demo", "--data-dir", _dir.Path);
        Assert.True(code == ExitCodes.Ok, output);
        var folder = Path.Combine(_dir.Path, "blobs", "reports", "weekly", Week);
        Assert.Contains($"Weekly review pack {Week}", output);
        Assert.Contains(Path.Combine(folder, "group.en.html"), output.Replace("\n", "", StringComparison.Ordinal));

        var rows = await KpiRowsAsync();
        var stores = rows.Select(r => r.StoreId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(12, stores.Length);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium(),
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var artefacts = Path.Combine(AppContext.BaseDirectory, "artefacts");
        Directory.CreateDirectory(artefacts);

        // The group's page, in English and Chinese.
        foreach (var language in new[] { "en", "zh" })
        {
            var page = await OpenAsync(browser, Path.Combine(folder, $"group.{language}.html"), Path.Combine(artefacts, $"weekly-report-group.{language}.png"));
            Assert.Equal(language, await page.GetAttributeAsync("html", "lang"));
            foreach (var section in new[] { "#group-totals", "#ranking", "#stores", "#roles", "#creators", "#live" })
            {
                Assert.True(await page.Locator(section).IsVisibleAsync(), $"{section} is missing from group.{language}.html");
            }

            Assert.Equal(2, await page.Locator("svg.chart").CountAsync());
            Assert.Equal(stores.Length, await page.Locator("table.ranking tbody tr").CountAsync());
            Assert.Equal(stores.Length, await page.Locator("article.store").CountAsync());

            // Group GMV: every store-day's GMV at its day's rate; target the same.
            var gmv = rows.Sum(r => r.Measures["gmv"]!.Value * r.FxRate!.Value);
            var target = rows.Sum(r => r.Measures["gmv_target"]!.Value * r.FxRate!.Value);
            Assert.Equal(Round(gmv), Round(await ValueAsync(page, "#group-gmv")));
            Assert.Equal(Round(target), Round(await ValueAsync(page, "#group-target")));
            Assert.Equal(Round(gmv / target * 100m), Round(await ValueAsync(page, "#group-attainment")));

            // Each store's row: GMV in the reporting currency and attainment; ranks 1..12 in attainment order.
            var ranks = new List<(int Rank, decimal Attainment)>();
            foreach (var store in stores)
            {
                var days = rows.Where(r => r.StoreId == store).ToArray();
                var row = page.Locator($"table.ranking tr[data-store='{store}']");
                Assert.Equal(Round(days.Sum(r => r.Measures["gmv"]!.Value * r.FxRate!.Value)), Round(await ValueAsync(row, "[data-field='gmv_rpt']")));
                var attainment = days.Sum(r => r.Measures["gmv"]!.Value) / days.Sum(r => r.Measures["gmv_target"]!.Value) * 100m;
                Assert.Equal(Round(attainment), Round(await ValueAsync(row, "[data-field='attainment']")));
                ranks.Add(((int)await ValueAsync(row, "[data-field='rank']"), attainment));
            }

            Assert.Equal(Enumerable.Range(1, stores.Length), ranks.Select(r => r.Rank).Order());
            Assert.Equal(ranks.OrderByDescending(r => r.Attainment).Select(r => r.Rank), ranks.OrderBy(r => r.Rank).Select(r => r.Rank));
        }

        // A store's page: its KPI table against the week's sums of its KpiDaily measures.
        var first = stores[0];
        foreach (var language in new[] { "en", "zh" })
        {
            var page = await OpenAsync(browser, Path.Combine(folder, $"store-{first}.{language}.html"), Path.Combine(artefacts, $"weekly-report-{first}.{language}.png"));
            Assert.True(await page.Locator($"#store-{first}").IsVisibleAsync());
            foreach (var section in new[] { "#kpis", "#roles", "#creators", "#live" })
            {
                Assert.True(await page.Locator(section).IsVisibleAsync(), $"{section} is missing from store-{first}.{language}.html");
            }

            Assert.Equal(KpiCatalog.Default.Roles.Count, await page.Locator("#roles .card").CountAsync());
            Assert.Equal(KpiCatalog.Default.Kpis.Count, await page.Locator("table.kpis tbody tr").CountAsync());
            var days = rows.Where(r => r.StoreId == first).ToArray();
            decimal Sum(string measure) => days.Sum(r => r.Measures[measure]!.Value);
            var expected = new Dictionary<string, decimal>
            {
                ["gmv"] = Sum("gmv"),
                ["orders"] = Sum("gmv_orders"),
                ["units"] = Sum("units"),
                ["aov"] = Sum("gmv") / Sum("gmv_orders"),
                ["refund_rate"] = Sum("refund_amount") / Sum("gmv") * 100m,
                ["conversion_rate"] = Sum("buyer_days") / Sum("visitors") * 100m,
                ["ctr"] = Sum("product_clicks") / Sum("impressions") * 100m,
                ["cancellation_rate"] = Sum("cancelled_orders") / Sum("paid_orders") * 100m,
                ["gmv_target_attainment"] = days.MaxBy(r => r.Date)!.Kpis["gmv_target_attainment"].Value!.Value,
            };
            foreach (var (kpi, value) in expected)
            {
                Assert.Equal(Round(value), Round(await ValueAsync(page.Locator($"table.kpis tr[data-kpi='{kpi}']"), "[data-field='value']")));
            }

            // The store's best creator and best LIVE session of the week, as the compute step stored them.
            var creators = await CuratedAsync(ScorecardFacts.CreatorWeeks, first, [Monday]);
            var lives = await CuratedDaysAsync(ScorecardFacts.LiveSessionScores, first, [.. Enumerable.Range(0, 7).Select(Monday.AddDays)], l => l.Date);
            Assert.NotEmpty(creators);
            Assert.NotEmpty(lives);
            Assert.Equal(Round(creators.Max(c => c.Gmv)), Round(await ValueAsync(page.Locator("table.creators tbody tr").First, "[data-field='gmv']")));
            Assert.Equal(creators.OrderByDescending(c => c.Gmv).ThenBy(c => c.CreatorId, StringComparer.Ordinal).First().CreatorId, await page.Locator("table.creators tbody tr").First.GetAttributeAsync("data-creator"));
            Assert.Equal(Round(lives.Max(l => l.Gmv)), Round(await ValueAsync(page.Locator("table.lives tbody tr").First, "[data-field='gmv']")));
        }
    }

    private static async Task<IPage> OpenAsync(IBrowser browser, string file, string screenshot)
    {
        Assert.True(File.Exists(file), $"{file} was not written");
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1000, Height = 1400 } });
        var errors = new List<string>();
        var requests = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                errors.Add(message.Text);
            }
        };
        page.PageError += (_, error) => errors.Add(error);
        page.Request += (_, request) => requests.Add(request.Url);
        var url = new Uri(file).AbsoluteUri;
        var response = await page.GotoAsync(url, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
        Assert.NotNull(response);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        Assert.True(new FileInfo(screenshot).Length > 10_000, $"{screenshot} is nearly empty");
        Assert.Empty(errors);
        Assert.Equal([url], requests);
        return page;
    }

    private static async Task<decimal> ValueAsync(IPage page, string selector) => Parse(await page.Locator(selector).GetAttributeAsync("data-value"), selector);

    private static async Task<decimal> ValueAsync(ILocator scope, string selector) => Parse(await scope.Locator(selector).GetAttributeAsync("data-value"), selector);

    private static decimal Parse(string? text, string selector) =>
        decimal.Parse(text ?? throw new InvalidOperationException($"{selector} has no data-value"), NumberStyles.Number, CultureInfo.InvariantCulture);

    private static decimal Round(decimal value) => decimal.Round(value, 6, MidpointRounding.ToEven);

    private async Task<IReadOnlyList<KpiDailyRow>> KpiRowsAsync()
    {
        var storage = KpiStorage.Open(null, _dir.Path, new FixedTimeProvider(CliRunner.Now));
        try
        {
            return await new KpiDailyRepository(storage.Tables, KpiCatalog.Default).QueryAsync(Monday, Monday.AddDays(6));
        }
        finally
        {
            (storage.Tables as IDisposable)?.Dispose();
        }
    }

    private async Task<IReadOnlyList<T>> CuratedAsync<T>(Pipeline.Curated.CuratedTable<T> table, string store, IReadOnlyList<DateOnly> dates)
    {
        var storage = KpiStorage.Open(null, _dir.Path, new FixedTimeProvider(CliRunner.Now));
        try
        {
            var rows = new List<T>();
            foreach (var date in dates)
            {
                rows.AddRange(await new Pipeline.Curated.CuratedStore(storage.Blobs).ReadAsync(table, store, date) ?? []);
            }

            return rows;
        }
        finally
        {
            (storage.Tables as IDisposable)?.Dispose();
        }
    }

    private async Task<IReadOnlyList<T>> CuratedDaysAsync<T>(Pipeline.Curated.CuratedTable<T> table, string store, IReadOnlyList<DateOnly> dates, Func<T, DateOnly> dayOf)
    {
        var storage = KpiStorage.Open(null, _dir.Path, new FixedTimeProvider(CliRunner.Now));
        try
        {
            var days = await new Pipeline.Curated.CuratedStore(storage.Blobs).ReadDaysAsync(table, store, dates, dayOf);
            return [.. days.Values.SelectMany(d => d ?? [])];
        }
        finally
        {
            (storage.Tables as IDisposable)?.Dispose();
        }
    }

    /// <summary>Debian's Chromium (KPI_CHROMIUM may name another); the test says how to get it when it is missing.</summary>
    private static string Chromium()
    {
        var path = Environment.GetEnvironmentVariable("KPI_CHROMIUM") ?? "/usr/bin/chromium";
        Assert.True(File.Exists(path), $"The browser test needs Chromium at {path}: install Debian's package (apt-get install chromium), as .ci/run does, or set KPI_CHROMIUM.");
        return path;
    }
}
