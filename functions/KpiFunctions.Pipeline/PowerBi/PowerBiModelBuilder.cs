using System.Globalization;
using KpiFunctions.Core.Catalog;
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
        var naming = new Naming([.. catalog.Kpis.Select(k => k.LabelEn)]);
        var tables = new List<ModelTable>
        {
            // dim_store's stage is the key dim_stage relates on: hidden like every foreign key (dim_stage's labels show it).
            FromSemantic(naming, SemanticTables.Stores, "店铺", keys: ["store_id"], shown: null, hidden: ["stage"]),
            FromSemantic(naming, SemanticTables.Dates, "日期", keys: ["date"], shown: null, isDate: true),
            FromSemantic(naming, SemanticTables.Products, "商品", keys: ["product_key"], shown: null),
            FromSemantic(naming, SemanticTables.StoreDays(catalog), "店铺日指标", keys: [], shown: []),
            FromSemantic(naming, SemanticTables.ProductDays, "商品日销售", keys: [], shown: []),
            FromSemantic(naming, SemanticTables.StoreWeeks, "店铺周买家", keys: [], shown: ["days_covered"]),
            FromSemantic(naming, SemanticTables.Targets, "目标", keys: [], shown: ["currency"]),
            FromSemantic(naming, SemanticTables.Alerts, "预警", keys: [], shown: ["kpi_id", "value", "baseline", "mad", "deviation", "severity", "reason"]),
            FromSemantic(naming, SemanticTables.Thresholds, "红黄绿阈值", keys: [], shown: ["kpi_id", "direction", "green", "amber", "source"]),
            FromSemantic(naming, SemanticTables.Roles, "岗位", keys: ["role_id"], shown: null),
            FromSemantic(naming, SemanticTables.RoleKpis, "岗位指标", keys: [], shown: ["kpi_id", "kpi_en", "weight", "position"]),
            FromSemantic(naming, SemanticTables.Stages, "店铺阶段", keys: ["stage_id"], shown: null),
            FromSemantic(naming, SemanticTables.StageKpis, "阶段指标", keys: [], shown: ["kpi_id", "kpi_en", "direction", "target", "green", "amber", "focus"]),
            FromSemantic(naming, SemanticTables.Creators, "达人", keys: ["creator_key"], shown: [.. SemanticTables.Creators.Columns.Select(c => c.Name).Where(c => c != "store_id")]),
            FromSemantic(naming, SemanticTables.CreatorWeeks, "达人周评分", keys: [], shown: [.. SemanticTables.CreatorWeeks.Columns.Select(c => c.Name).Where(c => c is not ("creator_key" or "store_id" or "week_start"))]),
            FromSemantic(naming, SemanticTables.LiveSessions, "直播场次评分", keys: [], shown: [.. SemanticTables.LiveSessions.Columns.Select(c => c.Name).Where(c => c is not ("store_id" or "date"))]),
        };
        tables.Add(new ModelTable(MeasureTable, "Every KPI of the catalog as a measure, with time intelligence, targets, RAG colours and alerts. Money is in the reporting currency.", "指标",
            [new ModelColumn("Placeholder", "int64", "Empty: the table only holds measures.", Hidden: true)],
            Measures(catalog, naming),
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
            new("role_kpi", "role_id", "dim_role", "role_id"),
            new("stage_kpi", "stage_id", "dim_stage", "stage_id"),
            new("dim_store", "stage", "dim_stage", "stage_id"),
            new("dim_creator", "store_id", "dim_store", "store_id"),
            new("fact_creator_week", "creator_key", "dim_creator", "creator_key"),
            new("fact_creator_week", "week_start", "dim_date", "date"),
            new("fact_live_session", "store_id", "dim_store", "store_id"),
            new("fact_live_session", "date", "dim_date", "date"),
        ];
        return new PowerBiModel(tables, relationships, Folders);
    }

    /// <summary>The TMDL type a Parquet column loads as: money stays fixed-decimal, rates and scores are floating.</summary>
    public static string DataType(CuratedColumn column)
    {
        ArgumentNullException.ThrowIfNull(column);
        return column.Type switch
        {
            CuratedType.String => "string",
            CuratedType.Int32 or CuratedType.Int64 => "int64",
            CuratedType.Boolean => "boolean",
            CuratedType.Date => "dateTime",
            // Fixed decimal keeps four places: right for money and counts, too coarse for FX rates and z scores.
            CuratedType.Decimal => column.Unit is "rate" or "z" or "the KPI's unit" ? "double" : "decimal",
            _ => throw new NotSupportedException($"Column {column.Name} is a {column.Type}, which the template does not load."),
        };
    }

    private static ModelTable FromSemantic<T>(Naming naming, CuratedTable<T> table, string nameZh, string[] keys, string[]? shown, bool isDate = false, string[]? hidden = null)
    {
        // Dimensions show every column (but a foreign key, listed in hidden); facts hide their keys and raw figures
        // (measures show those), but for the listed ones.
        var columns = table.Columns.Select(c =>
        {
            var type = DataType(c);
            var isHidden = (shown is not null && !shown.Contains(c.Name, StringComparer.Ordinal)) || hidden?.Contains(c.Name, StringComparer.Ordinal) == true;
            var format = type switch
            {
                "dateTime" => "yyyy-mm-dd",
                "decimal" => Money,
                "double" => "0.0000",
                "int64" => "0",
                _ => null,
            };
            var unit = c.Unit is "text" or "" ? "" : $" ({c.Unit})";
            var name = naming.Name(c.Name);
            return new ModelColumn(name, type, c.Meaning + unit, isHidden, keys.Contains(c.Name, StringComparer.Ordinal), format, Source: name == c.Name ? null : c.Name);
        }).ToArray();
        return new ModelTable(table.Name, table.Description, nameZh, columns, [], $"let\n    Source = ReadSemanticTable(\"{table.Name}\"),\n    Typed = Table.TransformColumnTypes(Source, {{{string.Join(", ", columns.Select(c => $"{{\"{c.SourceColumn}\", {c.MType}}}"))}}})\nin\n    Typed", isDate, FromManifest: true);
    }

    private static List<ModelMeasure> Measures(KpiCatalog catalog, Naming naming)
    {
        var measures = new List<ModelMeasure>();
        var kpiNames = catalog.Kpis.ToDictionary(k => k.Id, k => k.LabelEn, StringComparer.Ordinal);

        // The base measures every KPI is written over, hidden: money in the reporting currency, so stores compare.
        // A base measure is blank when any store-day in the selection has no value for it (the catalog's rule: a partial
        // sum is never shown as the figure), which DAX's SUM alone would skip over.
        foreach (var m in catalog.Measures)
        {
            measures.Add(new ModelMeasure(BaseName(m.Id), BaseDax(m, naming, local: false), m.Unit == MeasureUnit.Money ? Money : "#,0", "Base measures",
                $"{m.Description} ({m.Aggregation}; {(m.Unit == MeasureUnit.Money ? "reporting currency" : m.Unit.ToString().ToLowerInvariant())}.)", null, Hidden: true));
            if (m.Unit == MeasureUnit.Money)
            {
                measures.Add(new ModelMeasure(LocalName(m.Id), BaseDax(m, naming, local: true), Money, "Base measures",
                    $"{m.Description} ({m.Aggregation}; the store's currency: meaningful for one store.)", null, Hidden: true));
            }
        }

        string MoneyLocal(string id) => catalog.Measures.Single(m => m.Id == id).Unit == MeasureUnit.Money ? LocalName(id) : BaseName(id);
        foreach (var kpi in catalog.Kpis)
        {
            measures.Add(new ModelMeasure(kpi.LabelEn, Kpi(kpi.Formula, BaseName), kpi.Format, Folder(kpi, catalog),
                $"{kpi.Description} Catalog formula: {kpi.Formula.ToFormula()}.{(kpi.IsMonetary ? " In the reporting currency." : "")}", kpi.LabelZh));
            if (kpi.IsMonetary)
            {
                measures.Add(new ModelMeasure(kpi.LabelEn + " (local)", Kpi(kpi.Formula, MoneyLocal), kpi.Format, "Base measures",
                    $"{kpi.LabelEn} in the store's own currency: meaningful for one store (the RAG colours compare it with the store's thresholds).", null, Hidden: true));
            }
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
        measures.Add(new ModelMeasure("Unique buyers (weekly)", $"SUM({naming.Col("fact_store_week", "unique_buyers")})", "#,0", "Buyers",
            "Distinct buyers per store and ISO week, computed by the pipeline; summed over the weeks that start in the selection and over stores (a buyer of two stores counts twice).", "周去重买家数"));

        // RAG colours: for one store its thresholds in force (its own, else the catalog's, from kpi_thresholds); for several
        // the catalog's. A KPI with no catalog thresholds is coloured only for stores with their own.
        // Money KPIs compare the store's own currency (the thresholds' unit; such KPIs have no catalog thresholds, so
        // they are coloured for one store only). Additive KPIs (GMV, orders, ...) are judged per store-day, as the
        // pipeline judges them, so they are coloured for a single day only.
        foreach (var kpi in catalog.Kpis)
        {
            var t = kpi.Thresholds;
            var op = kpi.Direction == KpiDirection.HigherIsBetter ? ">=" : "<=";
            string Bound(string column, decimal? catalogValue) =>
                $"IF(HASONEVALUE({Dax.Column("dim_store", "store_id")}), CALCULATE(MAX({naming.Col("kpi_thresholds", column)}), {naming.Col("kpi_thresholds", "kpi_id")} = \"{kpi.Id}\"), {(catalogValue is { } c ? Dax.Number(c) : "BLANK()")})";
            var value = Dax.Measure(kpi.IsMonetary ? kpi.LabelEn + " (local)" : kpi.LabelEn);
            var additive = kpi.Kind is KpiKind.Simple or KpiKind.Derived;
            var unjudged = "ISBLANK(v) || ISBLANK(green)" + (additive ? $" || NOT HASONEVALUE({Dax.Column("dim_date", "date")})" : "");
            measures.Add(new ModelMeasure(kpi.LabelEn + " colour",
                $"VAR v = {value}\nVAR green = {Bound("green", t?.Green)}\nVAR amber = {Bound("amber", t?.Amber)}\nRETURN\n    SWITCH(\n        TRUE(),\n        {unjudged}, BLANK(),\n        v {op} green, \"#1E8E3E\",\n        v {op} amber, \"#F9AB00\",\n        \"#D93025\"\n    )",
                "", "RAG",
                (t is null
                    ? $"Green, amber or red for {kpi.LabelEn} where one store is selected and it has its own thresholds (kpi_thresholds); blank otherwise."
                    : string.Create(CultureInfo.InvariantCulture, $"Green, amber or red for {kpi.LabelEn}: for one store on its thresholds in force (kpi_thresholds), else on the catalog's (green {op} {t.Green}, amber {op} {t.Amber})."))
                    + (additive ? " Judged per store-day, so only for a single day." : "") + (kpi.IsMonetary ? " In the store's currency." : "") + " Use as a field-value colour.",
                kpi.LabelZh + "颜色"));
        }

        measures.Add(new ModelMeasure("Alerts", "COUNTROWS(fact_alerts)", "#,0", "Alerts",
            "Store-day KPIs that look wrong: unusual against the store's own history, or red.", "预警数"));
        measures.Add(new ModelMeasure("Critical alerts", $"CALCULATE([Alerts], {naming.Col("fact_alerts", "severity")} = \"Critical\")", "#,0", "Alerts",
            "Alerts of Critical severity.", "严重预警数"));
        measures.Add(new ModelMeasure("Alerts colour", "SWITCH(TRUE(), [Critical alerts] > 0, \"#D93025\", [Alerts] > 0, \"#F9AB00\", \"#1E8E3E\")", "", "RAG",
            "Red with a critical alert, amber with any alert, green otherwise.", "预警颜色"));

        measures.Add(new ModelMeasure("Provisional days", $"CALCULATE(COUNTROWS(dim_date), {naming.Col("dim_date", "is_provisional")} = TRUE())", "#,0", "Data",
            "Days in the selection whose figures may still change: the next nightly runs fetch them again.", "暂定天数"));
        measures.Add(new ModelMeasure("Last day with data", $"CALCULATE(MAX({naming.Col("fact_store_day", "date")}), REMOVEFILTERS())", "yyyy-mm-dd", "Data",
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

    /// <summary>The hidden store-currency measure of a money base measure.</summary>
    public static string LocalName(string measureId) => "m_" + measureId + "_local";

    /// <summary>A KPI's DAX: the catalog formula, blank when a base measure it adds or subtracts is blank (DAX would count it as 0).</summary>
    private static string Kpi(KpiExpr formula, Func<string, string> baseMeasure)
    {
        var dax = Dax.Translate(formula, baseMeasure);
        if (!HasSum(formula))
        {
            // Products and DIVIDE are blank when an operand is: the catalog's null rule already.
            return dax;
        }

        var operands = formula.References().Distinct()
            .Select(r => r.MonthToDate ? $"CALCULATE({Dax.Measure(baseMeasure(r.MeasureId))}, DATESMTD({Dax.DateColumn}))" : Dax.Measure(baseMeasure(r.MeasureId)))
            .Select(x => $"ISBLANK({x})");
        return $"IF(\n    {string.Join(" || ", operands)},\n    BLANK(),\n    {dax}\n)";
    }

    private static bool HasSum(KpiExpr e) => e is KpiExpr.Binary b && (b.Operator is '+' or '-' || HasSum(b.Left) || HasSum(b.Right));

    private static string BaseDax(BaseMeasure m, Naming naming, bool local)
    {
        var fact = "fact_store_day";
        var column = m.Unit == MeasureUnit.Money && !local ? m.Id + "_rpt" : m.Id;
        var gmv = local ? "gmv" : "gmv_rpt";
        return m.Aggregation switch
        {
            MeasureAggregation.Sum => $"IF(ISEMPTY(FILTER({fact}, ISBLANK({naming.Col(fact, column)}))), SUM({naming.Col(fact, column)}))",
            // A snapshot: each store's value on its last day in the selection, summed over stores; blank if one is unknown.
            MeasureAggregation.LastValue => $"VAR perStore = ADDCOLUMNS(VALUES({naming.Col(fact, "store_id")}), \"@last\", CALCULATE(SUM({naming.Col(fact, column)}), LASTDATE({naming.Col(fact, "date")})))\nRETURN\n    IF(ISEMPTY(FILTER(perStore, ISBLANK([@last]))), SUMX(perStore, [@last]))",
            MeasureAggregation.DayCount => $"DISTINCTCOUNT({naming.Col(fact, "date")})",
            // The ten SKUs (per store: the key is store and SKU) with the most GMV in the selection, ties broken by key.
            MeasureAggregation.TopTenSkus => $"VAR skus = TOPN(10, VALUES({naming.Col("fact_product_day", "product_key")}), CALCULATE(SUM({naming.Col("fact_product_day", gmv)})), DESC, {naming.Col("fact_product_day", "product_key")}, ASC)\nRETURN\n    CALCULATE(SUM({naming.Col("fact_product_day", gmv)}), KEEPFILTERS(skus))",
            // Distinct buyers are known for one store on a day (the daily count) and over a whole ISO week whose seven
            // days were fetched (computed by the pipeline). Any other selection would need the buyer lists (a buyer of
            // two stores is one buyer), so it is blank rather than a sum of counts.
            MeasureAggregation.DistinctCount => $"SWITCH(\n    TRUE(),\n    NOT HASONEVALUE({Dax.Column("dim_store", "store_id")}), BLANK(),\n    HASONEVALUE({Dax.Column("dim_date", "date")}), [{BaseName("buyer_days")}],\n    HASONEVALUE({Dax.Column("dim_date", "week_start")}) && COUNTROWS(dim_date) = 7 && CALCULATE(MIN({naming.Col("fact_store_week", "days_covered")})) = 7, SUM({naming.Col("fact_store_week", "unique_buyers")}),\n    BLANK()\n)",
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
            : datasets.Overlaps(["live_sessions", "videos"]) || ids.Contains("affiliate_gmv") ? "Content"
            : datasets.Contains("traffic_daily") ? "Funnel"
            : "Sales";
    }

    /// <summary>
    /// The model's names for Parquet columns: a column named like a KPI measure (gmv, orders, visitors; DAX resolves
    /// [Name] model-wide, and Desktop keeps measure and column names apart) loads as its name + "_value".
    /// </summary>
    private sealed class Naming(IEnumerable<string> measureNames)
    {
        private readonly HashSet<string> _reserved = new(measureNames, StringComparer.OrdinalIgnoreCase);

        public string Name(string parquetColumn) => _reserved.Contains(parquetColumn) ? parquetColumn + "_value" : parquetColumn;

        public string Col(string table, string parquetColumn) => Dax.Column(table, Name(parquetColumn));
    }
}
