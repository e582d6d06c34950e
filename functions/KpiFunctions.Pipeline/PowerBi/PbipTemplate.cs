using System.Text.Json;
using System.Text.Json.Nodes;
using KpiFunctions.Core.Catalog;
using static KpiFunctions.Pipeline.PowerBi.ReportField;

namespace KpiFunctions.Pipeline.PowerBi;

/// <summary>
/// The Power BI project HQ opens (<c>powerbi/</c>): a PBIP with the TMDL semantic model and the PBIR report, all
/// generated from the catalog and the semantic tables. <c>kpi powerbi generate</c> writes it; a test fails when the
/// checked-in copy differs.
/// </summary>
public static class PbipTemplate
{
    /// <summary>Project name: ShopKpi.pbip, ShopKpi.SemanticModel, ShopKpi.Report.</summary>
    public const string ProjectName = "ShopKpi";

    /// <summary>The folders the generator owns: every file in them is generated (others are removed on generate).</summary>
    public static IReadOnlyList<string> GeneratedFolders { get; } = [ProjectName + ".SemanticModel", ProjectName + ".Report"];

    /// <summary>Every generated file, by path relative to <c>powerbi/</c>, with '/' separators and '\n' line ends.</summary>
    public static IReadOnlyDictionary<string, string> Generate(KpiCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var model = PowerBiModelBuilder.Build(catalog);
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            [ProjectName + ".pbip"] = ReportWriter.Json(new JsonObject
            {
                ["$schema"] = "https://developer.microsoft.com/json-schemas/fabric/pbip/pbipProperties/1.0.0/schema.json",
                ["version"] = "1.0",
                ["artifacts"] = new JsonArray(new JsonObject { ["report"] = new JsonObject { ["path"] = ProjectName + ".Report" } }),
                ["settings"] = new JsonObject { ["enableAutoRecovery"] = true },
            }),
            [".gitignore"] = "**/.pbi/localSettings.json\n**/.pbi/cache.abf\n",
            [$"{ProjectName}.SemanticModel/definition.pbism"] = ReportWriter.Json(new JsonObject
            {
                ["$schema"] = "https://developer.microsoft.com/json-schemas/fabric/item/semanticModel/definitionProperties/1.0.0/schema.json",
                ["version"] = "4.2",
                ["settings"] = new JsonObject { ["qnaEnabled"] = false },
            }),
            [$"{ProjectName}.Report/definition.pbir"] = ReportWriter.Json(new JsonObject
            {
                ["$schema"] = "https://developer.microsoft.com/json-schemas/fabric/item/report/definitionProperties/2.0.0/schema.json",
                ["version"] = "4.0",
                ["datasetReference"] = new JsonObject { ["byPath"] = new JsonObject { ["path"] = $"../{ProjectName}.SemanticModel" } },
            }),
        };
        foreach (var (path, text) in TmdlWriter.Write(model))
        {
            files[$"{ProjectName}.SemanticModel/definition/{path}"] = text;
        }

        foreach (var (path, text) in ReportWriter.Write(Pages(catalog)))
        {
            files[$"{ProjectName}.Report/definition/{path}"] = text;
        }

        return files;
    }

    /// <summary>Writes the project under <paramref name="directory"/>, removing files of the generated folders it no longer makes; returns the paths changed.</summary>
    public static async Task<IReadOnlyList<string>> WriteAsync(string directory, KpiCatalog catalog, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var files = Generate(catalog);
        var changed = new List<string>();
        foreach (var (path, text) in files)
        {
            var full = Path.Combine(directory, path);
            if (File.Exists(full) && await File.ReadAllTextAsync(full, cancellationToken).ConfigureAwait(false) == text)
            {
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            // UTF-8 without a byte order mark, as Desktop reads and writes these files.
            await File.WriteAllTextAsync(full, text, new System.Text.UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
            changed.Add(path);
        }

        foreach (var folder in GeneratedFolders.Select(f => Path.Combine(directory, f)).Where(Directory.Exists))
        {
            foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(directory, file).Replace(Path.DirectorySeparatorChar, '/');
                // Desktop's own local files (.pbi/) are the user's, not ours.
                if (!files.ContainsKey(relative) && !relative.Contains("/.pbi/", StringComparison.Ordinal))
                {
                    File.Delete(file);
                    changed.Add(relative + " (removed)");
                }
            }
        }

        return changed;
    }

    /// <summary>
    /// How <paramref name="directory"/> differs from what the catalog generates: files missing or different, and files
    /// in the generated folders the generator would remove (Desktop's own .pbi/ files aside). Empty when up to date.
    /// </summary>
    public static IReadOnlyList<string> Differences(string directory, KpiCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var files = Generate(catalog);
        var differing = files.Where(f => !File.Exists(Path.Combine(directory, f.Key)) || File.ReadAllText(Path.Combine(directory, f.Key)) != f.Value).Select(f => f.Key + " (differs)");
        var stale = GeneratedFolders.Select(f => Path.Combine(directory, f)).Where(Directory.Exists)
            .SelectMany(folder => Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
            .Select(f => Path.GetRelativePath(directory, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(f => !files.ContainsKey(f) && !f.Contains("/.pbi/", StringComparison.Ordinal))
            .Select(f => f + " (not generated)");
        return [.. differing, .. stale];
    }

    /// <summary>The report's pages.</summary>
    public static IReadOnlyList<ReportPage> Pages(KpiCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        string K(string id) => catalog.Kpis.Single(k => k.Id == id).LabelEn;
        ReportField KM(string id) => M(K(id));
        var store = C("dim_store", "store_name");
        var country = C("dim_store", "country");
        var date = C("dim_date", "date");
        var week = C("dim_date", "week_start");

        ReportVisual Card(string page, string id, int x, int y) =>
            new($"{page}_card_{id}", "card", K(id), x, y, 200, 110, [("Values", [KM(id)])]);
        ReportVisual CardM(string page, string name, string measure, string title, int x, int y) =>
            new($"{page}_card_{name}", "card", title, x, y, 200, 110, [("Values", [M(measure)])]);
        ReportVisual Slicer(string page, string name, ReportField field, string title, int x) =>
            new($"{page}_slicer_{name}", "slicer", title, x, 10, 240, 70, [("Values", [field])]);
        ReportVisual[] Slicers(string page) =>
            [Slicer(page, "date", date, "Days", 10), Slicer(page, "country", country, "Country", 260), Slicer(page, "store", store, "Store", 510)];
        ReportVisual StoreTable(string page, string title, int y, int height, IReadOnlyDictionary<string, string>? colours, params ReportField[] fields) =>
            new($"{page}_table_stores", "tableEx", title, 10, y, 1260, height, [("Values", [store, country, .. fields])], colours);
        ReportVisual Trend(string page, string name, string title, int x, int y, int width, params ReportField[] measures) =>
            new($"{page}_trend_{name}", "lineChart", title, x, y, width, 250, [("Category", [date]), ("Y", measures)]);
        // A fact column as the model names it: one spelled like a KPI label gets _value (PowerBiModelBuilder's naming).
        ReportField FC(string table, string column) =>
            C(table, catalog.Kpis.Any(k => string.Equals(k.LabelEn, column, StringComparison.OrdinalIgnoreCase)) ? column + "_value" : column);
        Dictionary<string, string> Colours(params string[] ids) =>
            ids.Where(id => catalog.Kpis.Single(k => k.Id == id).Thresholds is not null).ToDictionary(K, id => K(id) + " colour", StringComparer.Ordinal);

        return
        [
            new("overview", "Overview",
            [
                .. Slicers("overview"),
                Card("overview", "gmv", 10, 90), CardM("overview", "gmv_wow", K("gmv") + " WoW %", "GMV week on week", 220, 90),
                Card("overview", "net_gmv", 430, 90), Card("overview", "orders", 640, 90),
                Card("overview", "conversion_rate", 850, 90), Card("overview", "gmv_target_attainment", 1060, 90),
                Trend("overview", "gmv", "GMV by day, with the 7-day rolling GMV", 10, 210, 840, KM("gmv"), M(K("gmv") + " R7")),
                new("overview_bar_gmv_by_country", "clusteredBarChart", "GMV by country", 860, 210, 410, 250, [("Category", [country]), ("Y", [KM("gmv")])]),
                CardM("overview", "alerts", "Alerts", "Alerts", 10, 470), CardM("overview", "critical", "Critical alerts", "Critical alerts", 220, 470),
                CardM("overview", "provisional", "Provisional days", "Provisional days (may still change)", 430, 470),
                CardM("overview", "last_day", "Last day with data", "Last day with data", 640, 470),
            ]),
            new("store_comparison", "Store comparison",
            [
                .. Slicers("store_comparison"),
                StoreTable("store_comparison", "Stores side by side (reporting currency)", 90, 380, Colours("gmv_target_attainment", "conversion_rate", "refund_rate", "roas", "gross_margin"),
                    KM("gmv"), M(K("gmv") + " WoW %"), M(K("gmv") + " MoM %"), M(K("gmv") + " YoY %"), KM("orders"), KM("aov"), KM("conversion_rate"),
                    KM("refund_rate"), KM("roas"), KM("gross_margin"), KM("gmv_target_attainment")),
                new("store_comparison_bar_gmv", "clusteredBarChart", "GMV by store", 10, 480, 620, 230, [("Category", [store]), ("Y", [KM("gmv")])]),
                new("store_comparison_bar_attainment", "clusteredBarChart", "Target attainment, month to date", 650, 480, 620, 230, [("Category", [store]), ("Y", [KM("gmv_target_attainment")])]),
            ]),
            new("funnel", "Funnel",
            [
                .. Slicers("funnel"),
                Card("funnel", "visitors", 10, 90), Card("funnel", "ctr", 220, 90), Card("funnel", "add_to_cart_rate", 430, 90), Card("funnel", "conversion_rate", 640, 90),
                CardM("funnel", "buyer_days", "Buyer-days", "Buyer-days (daily buyers summed)", 850, 90),
                StoreTable("funnel", "Funnel by store", 210, 250, Colours("ctr", "add_to_cart_rate", "conversion_rate"),
                    KM("visitors"), KM("ctr"), KM("add_to_cart_rate"), KM("conversion_rate"), M("Buyer-days"), KM("orders")),
                Trend("funnel", "conversion", "Conversion rate by day", 10, 470, 1260, KM("conversion_rate"), M(K("conversion_rate") + " R7")),
            ]),
            new("content", "Content",
            [
                .. Slicers("content"),
                Card("content", "live_gmv", 10, 90), Card("content", "live_gpm", 220, 90), Card("content", "gpm", 430, 90),
                Card("content", "avg_live_watch_time", 640, 90), Card("content", "video_completion_rate", 850, 90), Card("content", "creator_gmv_share", 1060, 90),
                StoreTable("content", "LIVE, video and creators by store", 210, 250, Colours("avg_live_watch_time", "video_completion_rate", "creator_gmv_share"),
                    KM("live_gmv"), KM("live_gpm"), KM("gpm"), KM("avg_live_watch_time"), KM("video_completion_rate"), KM("creator_gmv_share"), KM("top10_sku_gmv_share")),
                Trend("content", "live", "LIVE GMV by day", 10, 470, 1260, KM("live_gmv"), M(K("live_gmv") + " R7")),
            ]),
            new("service_health", "Service and health",
            [
                .. Slicers("service_health"),
                Card("service_health", "response_rate", 10, 90), Card("service_health", "avg_first_response_time", 220, 90), Card("service_health", "negative_review_rate", 430, 90),
                Card("service_health", "refund_rate", 640, 90), Card("service_health", "cancellation_rate", 850, 90), Card("service_health", "inventory_days_of_cover", 1060, 90),
                StoreTable("service_health", "Service and store health by store", 210, 500, Colours("response_rate", "avg_first_response_time", "negative_review_rate", "refund_rate", "return_rate", "cancellation_rate", "inventory_days_of_cover"),
                    KM("response_rate"), KM("avg_first_response_time"), KM("negative_review_rate"), KM("refund_rate"), KM("return_rate"), KM("cancellation_rate"), KM("inventory_days_of_cover")),
            ]),
            new("alerts", "Alerts",
            [
                .. Slicers("alerts"),
                CardM("alerts", "alerts", "Alerts", "Alerts", 760, 10), CardM("alerts", "critical", "Critical alerts", "Critical alerts", 970, 10),
                new("alerts_table", "tableEx", "Alerts: value against the store's own history", 10, 130, 1260, 580,
                [
                    ("Values",
                    [
                        store, C("fact_alerts", "date"), C("fact_alerts", "kpi_id"), C("fact_alerts", "severity"), C("fact_alerts", "value"),
                        C("fact_alerts", "baseline"), C("fact_alerts", "deviation"), C("fact_alerts", "reason"),
                    ]),
                ]),
            ]),
            new("weekly_review", "Weekly review",
            [
                Slicer("weekly_review", "week", week, "Week (Monday)", 10), Slicer("weekly_review", "country", country, "Country", 260), Slicer("weekly_review", "store", store, "Store", 510),
                new("weekly_review_table", "tableEx", "Week by store: GMV, change, buyers, targets and alerts", 10, 90, 1260, 400,
                [
                    ("Values",
                    [
                        week, store, KM("gmv"), M(K("gmv") + " WoW %"), KM("orders"), M(K("orders") + " WoW %"), M("Unique buyers (weekly)"), M("Buyer-days"),
                        KM("conversion_rate"), M(K("conversion_rate") + " WoW %"), M("GMV target attainment (period)"), M("Alerts"),
                    ]),
                ], new Dictionary<string, string>(StringComparer.Ordinal) { ["Alerts"] = "Alerts colour" }),
                new("weekly_review_trend", "clusteredColumnChart", "GMV by week", 10, 500, 1260, 210, [("Category", [week]), ("Y", [KM("gmv"), M("GMV target")])]),
            ]),
            RolesPage(catalog, Slicers("roles"), store, Colours),
            new("creators_live", "Creators & LIVE",
            [
                Slicer("creators_live", "week", week, "Week (Monday)", 10), Slicer("creators_live", "country", country, "Country", 260), Slicer("creators_live", "store", store, "Store", 510),
                new("creators_live_table_creators", "tableEx", "Creators by week: GMV, commission, refunds and tier (达人周评分)", 10, 90, 1260, 300,
                [
                    ("Values",
                    [
                        store, C("dim_creator", "creator_id"), FC("fact_creator_week", "tier_label"), FC("fact_creator_week", "gmv"), FC("fact_creator_week", "gmv_rpt"),
                        FC("fact_creator_week", "orders"), FC("fact_creator_week", "commission_pct"), FC("fact_creator_week", "refund_rate_pct"),
                        FC("fact_creator_week", "gmv_share_pct"), FC("fact_creator_week", "content_types"), FC("fact_creator_week", "reasons"),
                    ]),
                ]),
                new("creators_live_table_live", "tableEx", "LIVE sessions: GMV, GPM, watch time, click rate and tier (直播场次评分)", 10, 400, 1260, 310,
                [
                    ("Values",
                    [
                        store, FC("fact_live_session", "start_local"), FC("fact_live_session", "session_id"), FC("fact_live_session", "tier_label"), FC("fact_live_session", "gmv"),
                        FC("fact_live_session", "gpm"), FC("fact_live_session", "gpm_rpt"), FC("fact_live_session", "viewers"), FC("fact_live_session", "avg_watch_seconds"),
                        FC("fact_live_session", "click_rate_pct"), FC("fact_live_session", "reasons"),
                    ]),
                ]),
            ]),
        ];
    }

    /// <summary>
    /// The Roles page: per catalog role, stores (with their stage) against the role's KPIs, coloured by the
    /// thresholds in force for each store (its stage's where the stage sets some); two tables a row.
    /// </summary>
    private static ReportPage RolesPage(KpiCatalog catalog, ReportVisual[] slicers, ReportField store, Func<string[], Dictionary<string, string>> colours)
    {
        var stage = C("dim_stage", "stage_en");
        var visuals = new List<ReportVisual>(slicers);
        for (var i = 0; i < catalog.Roles.Count; i++)
        {
            var role = catalog.Roles[i];
            var ids = role.Kpis.Select(k => k.KpiId).ToArray();
            visuals.Add(new ReportVisual($"roles_table_{role.Id}", "tableEx", $"{role.LabelEn} {role.LabelZh}", i % 2 == 0 ? 10 : 650, 90 + i / 2 * 310, 620, 300,
                [("Values", [store, stage, .. ids.Select(id => M(catalog.Kpi(id).LabelEn))])], colours(ids)));
        }

        return new ReportPage("roles", "Roles", visuals);
    }
}
