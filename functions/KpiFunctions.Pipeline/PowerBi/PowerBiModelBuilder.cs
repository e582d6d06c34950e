using System.Globalization;
using KpiFunctions.Core.Catalog;
using KpiFunctions.Parquet.Schema;
using KpiFunctions.Pipeline.Curated;
using KpiFunctions.Pipeline.Semantic;

namespace KpiFunctions.Pipeline.PowerBi;

/// <summary>
/// Builds the Power BI model from the semantic tables (columns, as the pipeline writes them) and the KPI catalog
/// (measures): nothing in the template is written by hand, so it cannot drift from the numbers.
/// </summary>
public static class PowerBiModelBuilder
{
    /// <summary>The measures-only table every KPI lives on.</summary>
    public const string MeasureTable = "KPI";

    private const string Percent = "+0.0%;-0.0%;0.0%";
    private const string Money = "#,0.00";

    /// <summary>The KPIs that get week, month and year comparisons, MTD and rolling 7 and 28 days.</summary>
    public static IReadOnlyList<string> TimeIntelligenceKpis { get; } = ["gmv", "net_gmv", "orders", "aov", "visitors", "conversion_rate", "live_gmv", "ad_spend", "roas", "refund_rate"];

    private static readonly (string Suffix, string Zh, string Folder, Func<string, string> Dax, bool IsChange)[] Comparisons =
    [
        (" PW", "（上周同期）", "Previous periods", x => $"CALCULATE({x}, DATEADD({Dax.DateColumn}, -7, DAY))", false),
        (" WoW %", "周环比", "Changes", x => Change(x, " PW"), true),
        (" PM", "（上月同期）", "Previous periods", x => $"CALCULATE({x}, DATEADD({Dax.DateColumn}, -1, MONTH))", false),
        (" MoM %", "月环比", "Changes", x => Change(x, " PM"), true),
        (" PY", "（去年同期）", "Previous periods", x => $"CALCULATE({x}, SAMEPERIODLASTYEAR({Dax.DateColumn}))", false),
        (" YoY %", "同比", "Changes", x => Change(x, " PY"), true),
        (" MTD", "（本月累计）", "To date", x => $"CALCULATE({x}, DATESMTD({Dax.DateColumn}))", false),
        (" R7", "（近7天）", "Rolling", x => $"CALCULATE({x}, DATESINPERIOD({Dax.DateColumn}, MAX({Dax.DateColumn}), -7, DAY))", false),
        (" R28", "（近28天）", "Rolling", x => $"CALCULATE({x}, DATESINPERIOD({Dax.DateColumn}, MAX({Dax.DateColumn}), -28, DAY))", false),
    ];

    private static readonly Dictionary<string, string> Folders = new(StringComparer.Ordinal)
    {
        ["Sales"] = "销售",
        ["Funnel"] = "流量与转化",
        ["Content"] = "内容（直播、视频、达人）",
        ["Ads"] = "广告",
        ["Service"] = "服务",
        ["Inventory"] = "库存",
        ["Profit"] = "利润",
        ["Targets"] = "目标",
        ["Buyers"] = "买家",
        ["RAG"] = "红黄绿",
        ["Alerts"] = "预警",
        ["Data"] = "数据状态",
        ["Base measures"] = "基础度量",
        ["Time intelligence"] = "时间智能",
        ["Time intelligence\\Previous periods"] = "时间智能\\上期",
        ["Time intelligence\\Changes"] = "时间智能\\变化",
        ["Time intelligence\\To date"] = "时间智能\\累计",
        ["Time intelligence\\Rolling"] = "时间智能\\滚动",
    };

    /// <summary>Builds the model for a catalog.</summary>
    public static PowerBiModel Build(KpiCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var tables = new List<ModelTable>
        {
            FromSemantic(SemanticTables.Stores, "店铺", keys: ["store_id"], shown: null),
            FromSemantic(SemanticTables.Dates, "日期", keys: ["date"], shown: null, isDate: true),
            FromSemantic(SemanticTables.Products, "商品", keys: ["product_key"], shown: null),
            FromSemantic(SemanticTables.StoreDays(catalog), "店铺日指标", keys: [], shown: []),
            FromSemantic(SemanticTables.ProductDays, "商品日销售", keys: [], shown: []),
            FromSemantic(SemanticTables.StoreWeeks, "店铺周买家", keys: [], shown: ["days_covered"]),
            FromSemantic(SemanticTables.Targets, "目标", keys: [], shown: ["currency"]),
            FromSemantic(SemanticTables.Alerts, "预警", keys: [], shown: ["kpi_id", "value", "baseline", "mad", "deviation", "severity", "reason"]),
            FromSemantic(SemanticTables.Thresholds, "红黄绿阈值", keys: [], shown: ["kpi_id", "direction", "green", "amber", "source"]),
        };
        tables.Add(new ModelTable(MeasureTable, "Every KPI of the catalog as a measure, with time intelligence, targets, RAG colours and alerts. Money is in the reporting currency.", "指标",
            [new ModelColumn("Placeholder", "int64", "Empty: the table only holds measures.", Hidden: true)],
            Measures(catalog),
            "let\n    Source = #table(type table [Placeholder = Int64.Type], {})\nin\n    Source",
            IsDateTable: false,
            FromManifest: false));

        ModelRelationship[] relationships =
        [
            new("fact_store_day", "store_id", "dim_store", "store_id"),
            new("fact_store_day", "date", "dim_date", "date"),
            new("fact_product_day", "store_id", "dim_store", "store_id"),
            new("fact_product_day", "date", "dim_date", "date"),
            new("fact_product_day", "product_key", "dim_product", "product_key"),
            new("fact_store_week", "store_id", "dim_store", "store_id"),
            new("fact_store_week", "week_start", "dim_date", "date"),
            new("fact_targets", "store_id", "dim_store", "store_id"),
            new("fact_targets", "month_start", "dim_date", "date"),
            new("fact_alerts", "store_id", "dim_store", "store_id"),
            new("fact_alerts", "date", "dim_date", "date"),
            new("kpi_thresholds", "store_id", "dim_store", "store_id"),
        ];
        return new PowerBiModel(tables, relationships, Folders);
    }

    /// <summary>The TMDL type a Parquet column loads as: money stays fixed-decimal, rates and scores are floating.</summary>
    public static string DataType(CuratedColumn column)
    {
        ArgumentNullException.ThrowIfNull(column);
        return column.Field.Type switch
        {
            ParquetType.String => "string",
            ParquetType.Int32 or ParquetType.Int64 => "int64",
            ParquetType.Boolean => "boolean",
            ParquetType.Date => "dateTime",
            ParquetType.Double => "double",
            // Fixed decimal keeps four places: right for money and counts, too coarse for FX rates and z scores.
            ParquetType.Decimal => column.Unit is "rate" or "z" or "the KPI's unit" ? "double" : "decimal",
            _ => throw new NotSupportedException($"Column {column.Field.Name} is a {column.Field.Type}, which the template does not load."),
        };
    }

    private static ModelTable FromSemantic<T>(CuratedTable<T> table, string nameZh, string[] keys, string[]? shown, bool isDate = false)
    {
        // Dimensions show every column; facts hide their keys and raw figures (measures show those), but for the listed ones.
        var columns = table.Columns.Select(c =>
        {
            var type = DataType(c);
            var hidden = shown is not null && !shown.Contains(c.Field.Name, StringComparer.Ordinal);
            var format = type switch
            {
                "dateTime" => "yyyy-mm-dd",
                "decimal" => Money,
                "double" => "0.0000",
                "int64" => "0",
                _ => null,
            };
            var unit = c.Unit is "text" or "" ? "" : $" ({c.Unit})";
            return new ModelColumn(c.Field.Name, type, c.Meaning + unit, hidden, keys.Contains(c.Field.Name, StringComparer.Ordinal), format);
        }).ToArray();
        return new ModelTable(table.Name, table.Description, nameZh, columns, [], $"let\n    Source = ReadSemanticTable(\"{table.Name}\"),\n    Typed = Table.TransformColumnTypes(Source, {{{string.Join(", ", columns.Select(c => $"{{\"{c.Name}\", {c.MType}}}"))}}})\nin\n    Typed", isDate, FromManifest: true);
    }

    private static List<ModelMeasure> Measures(KpiCatalog catalog)
    {
        var measures = new List<ModelMeasure>();
        var kpiNames = catalog.Kpis.ToDictionary(k => k.Id, k => k.LabelEn, StringComparer.Ordinal);

        // The base measures every KPI is written over, hidden: money in the reporting currency, so stores compare.
        foreach (var m in catalog.Measures)
        {
            measures.Add(new ModelMeasure(BaseName(m.Id), BaseDax(m), m.Unit == MeasureUnit.Money ? Money : "#,0", "Base measures",
                $"{m.Description} ({m.Aggregation}; {(m.Unit == MeasureUnit.Money ? "reporting currency" : m.Unit.ToString().ToLowerInvariant())}.)", null, Hidden: true));
        }

        foreach (var kpi in catalog.Kpis)
        {
            measures.Add(new ModelMeasure(kpi.LabelEn, Dax.Translate(kpi.Formula, BaseName), kpi.Format, Folder(kpi, catalog),
                $"{kpi.Description} Catalog formula: {kpi.Formula.ToFormula()}.{(kpi.IsMonetary ? " In the reporting currency." : "")}", kpi.LabelZh));
        }

        foreach (var id in TimeIntelligenceKpis)
        {
            var kpi = catalog.Kpis.Single(k => k.Id == id);
            foreach (var (suffix, zh, folder, dax, isChange) in Comparisons)
            {
                var expression = isChange ? dax(kpi.LabelEn) : dax(Dax.Measure(kpi.LabelEn));
                measures.Add(new ModelMeasure(kpi.LabelEn + suffix, expression, isChange ? Percent : kpi.Format, "Time intelligence\\" + folder,
                    $"{kpi.LabelEn}, {Describe(suffix)}", kpi.LabelZh + zh));
            }
        }

        measures.Add(new ModelMeasure("GMV target", Dax.Measure(BaseName("gmv_target")), Money, "Targets",
            "The stores' monthly GMV targets prorated evenly over each month's days, in the reporting currency.", "GMV目标"));
        measures.Add(new ModelMeasure("GMV target attainment (period)", $"DIVIDE({Dax.Measure(kpiNames["gmv"])}, [GMV target]) * 100", "0.0", "Targets",
            "GMV over the prorated target of the same days, in percent: the selected period, where the catalog's attainment is month to date.", "GMV目标达成率（所选期间）"));

        measures.Add(new ModelMeasure("Buyer-days", Dax.Measure(BaseName("buyer_days")), "#,0", "Buyers",
            "Daily distinct buyers summed over the days: a buyer who orders on three days counts three times. Not unique buyers.", "买家人天"));
        measures.Add(new ModelMeasure("Unique buyers (weekly)", $"SUM({Dax.Column("fact_store_week", "unique_buyers")})", "#,0", "Buyers",
            "Distinct buyers per store and ISO week, computed by the pipeline; summed over the weeks that start in the selection and over stores (a buyer of two stores counts twice).", "周去重买家数"));

        // RAG colours: for one store its thresholds in force (its own, else the catalog's, from kpi_thresholds); for several
        // the catalog's. A KPI with no catalog thresholds is coloured only for stores with their own.
        foreach (var kpi in catalog.Kpis)
        {
            var t = kpi.Thresholds;
            var op = kpi.Direction == KpiDirection.HigherIsBetter ? ">=" : "<=";
            string Bound(string column, decimal? catalogValue) =>
                $"IF(HASONEVALUE({Dax.Column("dim_store", "store_id")}), CALCULATE(MAX({Dax.Column("kpi_thresholds", column)}), {Dax.Column("kpi_thresholds", "kpi_id")} = \"{kpi.Id}\"), {(catalogValue is { } c ? Dax.Number(c) : "BLANK()")})";
            measures.Add(new ModelMeasure(kpi.LabelEn + " colour",
                $"VAR v = {Dax.Measure(kpi.LabelEn)}\nVAR green = {Bound("green", t?.Green)}\nVAR amber = {Bound("amber", t?.Amber)}\nRETURN\n    SWITCH(\n        TRUE(),\n        ISBLANK(v) || ISBLANK(green), BLANK(),\n        v {op} green, \"#1E8E3E\",\n        v {op} amber, \"#F9AB00\",\n        \"#D93025\"\n    )",
                "", "RAG",
                t is null
                    ? $"Green, amber or red for {kpi.LabelEn} where one store is selected and it has its own thresholds (kpi_thresholds); blank otherwise. Use as a field-value colour."
                    : string.Create(CultureInfo.InvariantCulture, $"Green, amber or red for {kpi.LabelEn}: for one store on its thresholds in force (kpi_thresholds), else on the catalog's (green {op} {t.Green}, amber {op} {t.Amber}). Use as a field-value colour."),
                kpi.LabelZh + "颜色"));
        }

        measures.Add(new ModelMeasure("Alerts", "COUNTROWS(fact_alerts)", "#,0", "Alerts",
            "Store-day KPIs that look wrong: unusual against the store's own history, or red.", "预警数"));
        measures.Add(new ModelMeasure("Critical alerts", $"CALCULATE([Alerts], {Dax.Column("fact_alerts", "severity")} = \"Critical\")", "#,0", "Alerts",
            "Alerts of Critical severity.", "严重预警数"));
        measures.Add(new ModelMeasure("Alerts colour", "SWITCH(TRUE(), [Critical alerts] > 0, \"#D93025\", [Alerts] > 0, \"#F9AB00\", \"#1E8E3E\")", "", "RAG",
            "Red with a critical alert, amber with any alert, green otherwise.", "预警颜色"));

        measures.Add(new ModelMeasure("Provisional days", $"CALCULATE(COUNTROWS(dim_date), {Dax.Column("dim_date", "is_provisional")} = TRUE())", "#,0", "Data",
            "Days in the selection whose figures may still change: the next nightly runs fetch them again.", "暂定天数"));
        measures.Add(new ModelMeasure("Last day with data", $"CALCULATE(MAX({Dax.Column("fact_store_day", "date")}), REMOVEFILTERS())", "yyyy-mm-dd", "Data",
            "The last store-local day any store has figures for.", "最新数据日期"));
        return measures;
    }

    private static string Change(string label, string previous) =>
        $"VAR cur = {Dax.Measure(label)}\nVAR prev = {Dax.Measure(label + previous)}\nRETURN\n    DIVIDE(cur - prev, prev)";

    private static string Describe(string suffix) => suffix.Trim() switch
    {
        "PW" => "the same days one week earlier.",
        "WoW %" => "change against the same days one week earlier.",
        "PM" => "the same days one month earlier.",
        "MoM %" => "change against the same days one month earlier.",
        "PY" => "the same period one year earlier.",
        "YoY %" => "change against the same period one year earlier.",
        "MTD" => "month to date, up to the last day in the selection.",
        "R7" => "over the 7 days ending on the last day in the selection.",
        "R28" => "over the 28 days ending on the last day in the selection.",
        _ => throw new ArgumentOutOfRangeException(nameof(suffix), suffix, "Unknown comparison."),
    };

    /// <summary>The hidden measure of a base measure.</summary>
    public static string BaseName(string measureId) => "m_" + measureId;

    private static string BaseDax(BaseMeasure m)
    {
        var fact = "fact_store_day";
        return m.Aggregation switch
        {
            MeasureAggregation.Sum => $"SUM({Dax.Column(fact, m.Unit == MeasureUnit.Money ? m.Id + "_rpt" : m.Id)})",
            // A snapshot: each store's value on its last day in the selection, summed over stores.
            MeasureAggregation.LastValue => $"SUMX(VALUES({Dax.Column(fact, "store_id")}), CALCULATE(SUM({Dax.Column(fact, m.Id)}), LASTDATE({Dax.Column(fact, "date")})))",
            MeasureAggregation.DayCount => $"DISTINCTCOUNT({Dax.Column(fact, "date")})",
            // The ten SKUs (per store: the key is store and SKU) with the most GMV in the selection; ties may make it more.
            MeasureAggregation.TopTenSkus => $"VAR skus = TOPN(10, VALUES({Dax.Column("fact_product_day", "product_key")}), CALCULATE(SUM({Dax.Column("fact_product_day", "gmv_rpt")})))\nRETURN\n    CALCULATE(SUM({Dax.Column("fact_product_day", "gmv_rpt")}), KEEPFILTERS(skus))",
            // Distinct buyers are known for a day (the daily count) and a whole ISO week (computed by the pipeline); any
            // other selection would need the buyer list, so it is blank rather than a sum of daily counts.
            MeasureAggregation.DistinctCount => $"SWITCH(\n    TRUE(),\n    HASONEVALUE({Dax.Column("dim_date", "date")}), [{BaseName("buyer_days")}],\n    HASONEVALUE({Dax.Column("dim_date", "week_start")}) && COUNTROWS(dim_date) = 7, SUM({Dax.Column("fact_store_week", "unique_buyers")}),\n    BLANK()\n)",
            _ => throw new NotSupportedException($"Base measure {m.Id} rolls up by {m.Aggregation}, which has no DAX form."),
        };
    }

    private static string Folder(KpiDefinition kpi, KpiCatalog catalog)
    {
        var ids = kpi.Formula.References().Select(r => r.MeasureId).ToHashSet(StringComparer.Ordinal);
        var datasets = ids.Select(id => catalog.Measures.Single(m => m.Id == id).Dataset).ToHashSet(StringComparer.Ordinal);
        return datasets.Contains("targets") ? "Targets"
            : datasets.Contains("ads_daily") && !ids.Contains("cogs") ? "Ads"
            : datasets.Contains("service_daily") ? "Service"
            : datasets.Contains("inventory") ? "Inventory"
            : ids.Contains("cogs") ? "Profit"
            : datasets.Overlaps(["live_sessions", "videos"]) || ids.Overlaps(["affiliate_gmv", "live_gmv"]) ? "Content"
            : datasets.Contains("traffic_daily") ? "Funnel"
            : "Sales";
    }
}
