using System.Text.Json;
using System.Text.RegularExpressions;
using KpiFunctions.Core.Catalog;
using KpiFunctions.Pipeline.PowerBi;
using KpiFunctions.Tests.Shared;

namespace KpiFunctions.Pipeline.Tests.PowerBi;

/// <summary>The checked-in Power BI template, validated without Power BI Desktop: read by our own TMDL reader and JSON.</summary>
public sealed partial class PowerBiTemplateTests
{
    private static readonly string[] ParameterNames = ["StorageAccountUrl", "ContainerName"];

    [Fact]
    public void The_checked_in_template_is_what_the_catalog_generates()
    {
        var differences = PbipTemplate.Differences(TemplateModel.PowerBiFolder, KpiCatalog.Default);

        Assert.True(differences.Count == 0, "Run 'kpi powerbi generate' (from the repository root): " + string.Join(", ", differences));
    }

    [Fact]
    public async Task Generate_writes_the_project_removes_stale_files_and_leaves_desktops_local_files()
    {
        using var dir = new TempDirectory();
        var stale = Path.Combine(dir.Path, "ShopKpi.Report", "definition", "pages", "old", "page.json");
        var local = Path.Combine(dir.Path, "ShopKpi.SemanticModel", ".pbi", "localSettings.json");
        Directory.CreateDirectory(Path.GetDirectoryName(stale)!);
        Directory.CreateDirectory(Path.GetDirectoryName(local)!);
        await File.WriteAllTextAsync(stale, "{}");
        await File.WriteAllTextAsync(local, "{}");

        var first = await PbipTemplate.WriteAsync(dir.Path, KpiCatalog.Default);
        var again = await PbipTemplate.WriteAsync(dir.Path, KpiCatalog.Default);

        Assert.Contains("ShopKpi.Report/definition/pages/old/page.json (removed)", first);
        Assert.Equal(PbipTemplate.Generate(KpiCatalog.Default).Count + 1, first.Count);
        Assert.Empty(again);
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(local));
        Assert.False(File.ReadAllBytes(Path.Combine(dir.Path, "ShopKpi.pbip")).AsSpan().StartsWith(new byte[] { 0xEF, 0xBB, 0xBF }));
    }

    [Fact]
    public void Every_tmdl_file_reads_and_the_model_hangs_together()
    {
        var model = TemplateModel.Load();

        // Names: tables unique; columns and measures unique in a table; measures unique in the model (case-insensitive, as DAX).
        Assert.Equal(model.Tables.Count, model.Tables.Select(t => t.Name!.ToUpperInvariant()).Distinct().Count());
        foreach (var table in model.Tables)
        {
            var names = table.Children.Where(c => c.Type is "column" or "measure").Select(c => c.Name!.ToUpperInvariant()).ToList();
            Assert.True(names.Count == names.Distinct().Count(), $"{table.Name}: a column and measure share a name");
            Assert.Single(table.Of("partition"));
            var partition = table.Of("partition").Single();
            Assert.Equal(("m", "import"), (partition.Expression, partition["mode"]));
            Assert.False(string.IsNullOrWhiteSpace(table.Description), $"table {table.Name} has no description");
            foreach (var column in table.Of("column"))
            {
                Assert.True(column["dataType"] is not null && column["sourceColumn"] is not null && column.Description is not null, $"{column.Where}: a column needs dataType, sourceColumn and a description");
                Assert.Equal("none", column["summarizeBy"]);
            }
        }

        var measures = model.Measures.Select(m => m.Measure.Name!.ToUpperInvariant()).ToList();
        Assert.Equal(measures.Count, measures.Distinct().Count());
        // A measure never shares a name with a column of any table ([Name] resolves model-wide).
        var columns = model.Tables.SelectMany(t => t.Of("column")).Select(c => c.Name!.ToUpperInvariant()).ToHashSet();
        Assert.DoesNotContain(measures, columns.Contains);
        Assert.DoesNotContain(model.Expressions, e => model.Tables.Any(t => string.Equals(t.Name, e.Name, StringComparison.OrdinalIgnoreCase)));

        // Lineage tags: every one a GUID, none twice.
        var tags = model.Files.Values.SelectMany(Flatten).Select(n => n["lineageTag"]).Where(t => t is not null).ToList();
        Assert.True(tags.Count > 250, $"{tags.Count} lineage tags");
        Assert.All(tags, t => Assert.True(Guid.TryParse(t, out _), t));
        Assert.Equal(tags.Count, tags.Distinct(StringComparer.OrdinalIgnoreCase).Count());

        // One marked date table with a dateTime key, and auto date/time off.
        var dateTable = Assert.Single(model.Tables, t => t["dataCategory"] == "Time");
        Assert.Equal("dim_date", dateTable.Name);
        Assert.Contains(dateTable.Of("column"), c => c["isKey"] == "true" && c["dataType"] == "dateTime");
        Assert.Contains(model.Files["model.tmdl"], n => n.Type == "annotation" && n.Name == "__PBI_TimeIntelligenceEnabled" && n.Expression == "0");
        Assert.Contains(model.Files["model.tmdl"].Single(n => n.Type == "model").Properties, p => p.Key == "discourageImplicitMeasures");

        // Relationships: both ends exist with one data type; the one side is its table's key; one active path per table pair.
        foreach (var r in model.Relationships)
        {
            var from = Resolve(model, r["fromColumn"]!, r.Where);
            var to = Resolve(model, r["toColumn"]!, r.Where);
            Assert.Equal(from["dataType"], to["dataType"]);
            Assert.True(to["isKey"] == "true", $"{r.Where}: {r["toColumn"]} is not its table's key");
            Assert.True(from["isHidden"] == "true", $"{r.Where}: foreign key {r["fromColumn"]} is visible");
            Assert.Null(r["crossFilteringBehavior"]);
        }

        var pairs = model.Relationships.Select(r => (r["fromColumn"]!.Split('.')[0], r["toColumn"]!.Split('.')[0])).ToList();
        Assert.Equal(pairs.Count, pairs.Distinct().Count());
        Assert.All(model.Tables.Where(t => t.Name!.StartsWith("fact_", StringComparison.Ordinal)), t => Assert.Contains(pairs, p => p.Item1 == t.Name && p.Item2 == "dim_date"));

        // ref lines name the table files.
        Assert.Equal(model.Tables.Select(t => t.Name).Order(StringComparer.Ordinal), model.Files["model.tmdl"].Where(n => n.Type == "ref" && n.Name!.StartsWith("table ", StringComparison.Ordinal)).Select(n => n.Name!["table ".Length..]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Measures_reference_what_exists_and_divide_only_through_divide()
    {
        var model = TemplateModel.Load();
        var dependencies = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (table, measure) in model.Measures)
        {
            var refs = model.References(measure.Expression!, measure.Where);
            foreach (var r in refs)
            {
                if (r.Table is null)
                {
                    Assert.True(model.Measure(r.Name) is not null, $"{measure.Where}: [{r.Name}] is not a measure");
                }
                else
                {
                    Assert.True(model.Column(r.Table, r.Name) is not null, $"{measure.Where}: {r.Table}[{r.Name}] is not a column");
                }
            }

            dependencies[measure.Name!] = [.. refs.Where(r => r.Table is null).Select(r => r.Name)];
            var isColour = measure.Name!.EndsWith(" colour", StringComparison.Ordinal);
            Assert.True(isColour || measure["formatString"] is not null, $"{measure.Where}: {measure.Name} has no format string");
            Assert.False(string.IsNullOrWhiteSpace(measure.Description), $"{measure.Where}: {measure.Name} has no description");
            Assert.NotNull(measure["displayFolder"]);
        }

        // No measure depends on itself through others.
        foreach (var name in dependencies.Keys)
        {
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var queue = new Queue<string>(dependencies[name]);
            while (queue.TryDequeue(out var next))
            {
                Assert.NotEqual(name, next, StringComparer.OrdinalIgnoreCase);
                if (seen.Add(next))
                {
                    foreach (var d in dependencies[next])
                    {
                        queue.Enqueue(d);
                    }
                }
            }
        }

        // Every catalog KPI is a measure in the catalog's format; every ratio divides with DIVIDE.
        foreach (var kpi in KpiCatalog.Default.Kpis)
        {
            var measure = model.Measure(kpi.LabelEn);
            Assert.True(measure is not null, $"KPI {kpi.Id} has no measure '{kpi.LabelEn}'");
            Assert.Equal(kpi.Format, measure["formatString"]);
            Assert.Contains(kpi.Description, measure.Description, StringComparison.Ordinal);
            if (kpi.Kind == KpiKind.Ratio)
            {
                Assert.Contains("DIVIDE(", measure.Expression, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task Each_kpi_measure_gives_the_pipelines_value_for_a_store_day_from_its_base_measures()
    {
        using var h = new Harness(3);
        var day = new DateOnly(2026, 11, 2);
        await h.SeedAsync(day.AddDays(-2), day);
        await h.Runner().RunAsync(new Steps.RunRequest(day.AddDays(-2), day));
        var rows = await new Kpis.KpiDailyRepository(h.Storage.Tables, KpiCatalog.Default).QueryAsync(day.AddDays(-2), day);
        var model = TemplateModel.Load();
        var compared = 0;

        foreach (var row in rows)
        {
            // The base measures as the template sums them for one store-day: money at the day's rate, like the _rpt columns.
            decimal? Base(string name)
            {
                Assert.StartsWith("m_", name, StringComparison.Ordinal);
                var m = KpiCatalog.Default.Measures.Single(x => x.Id == name[2..]);
                return m.Id == "days" ? 1m
                    : m.Unit == MeasureUnit.Money ? row.Measures[m.Id] * row.FxRate
                    : row.Measures[m.Id];
            }

            foreach (var kpi in KpiCatalog.Default.Kpis.Where(k => k.Kind != KpiKind.Cumulative))
            {
                var dax = model.Measure(kpi.LabelEn)!.Expression!;
                var value = DaxArithmetic.Evaluate(dax, Base);
                var cell = row.Kpis[kpi.Id];
                var expected = kpi.IsMonetary ? cell.ReportingValue : cell.Value;
                Assert.True(expected is null == value is null, $"{kpi.Id} {row.StoreId} {row.Date}: DAX gives {value}, the pipeline {expected} ({cell.NullReason})");
                if (expected is { } e && value is { } v)
                {
                    Assert.True(Math.Abs(e - v) <= 0.0001m * Math.Max(1m, Math.Abs(e)), $"{kpi.Id} {row.StoreId} {row.Date}: DAX gives {v}, the pipeline {e} ({dax})");
                    compared++;
                }
            }
        }

        Assert.True(compared > 150, $"{compared} values compared");

        // Groups of store-days (each store's three days, and every store together), against the pipeline's engine:
        // sums with a blank anywhere are blank, snapshots take each store's last day, money is summed per day at its rate.
        var engine = new Core.Engine.KpiEngine(KpiCatalog.Default, h.Options.ReportingCurrency);
        var members = rows.Select(r => new Core.Engine.StoreDayMeasures(r.StoreId, r.Country, r.Currency, r.Date, r.Measures, new Dictionary<string, string>(), new HashSet<string>(), new Dictionary<string, decimal>(),
            new Core.Fx.FxLookup(r.FxRate, r.FxRateDate, r.FxStatus, null))).ToList();
        var groups = members.GroupBy(m => m.StoreId).Select(g => g.ToList()).Append(members).ToList();
        var groupCompared = 0;
        foreach (var group in groups)
        {
            var result = engine.EvaluateGroup("g", group, Core.Engine.CurrencyBasis.Reporting, members);
            decimal? GroupBase(string name)
            {
                var m = KpiCatalog.Default.Measures.Single(x => x.Id == name[2..]);
                IEnumerable<Core.Engine.StoreDayMeasures> of = m.Aggregation == MeasureAggregation.LastValue
                    ? group.GroupBy(d => d.StoreId).Select(g => g.MaxBy(d => d.Date)!)
                    : group;
                if (m.Aggregation == MeasureAggregation.DayCount)
                {
                    return group.Select(d => d.Date).Distinct().Count();
                }

                var values = of.Select(d => m.Unit == MeasureUnit.Money ? d.Values[m.Id] * d.Fx.Rate : d.Values[m.Id]).ToList();
                return values.Any(v => v is null) ? null : values.Sum();
            }

            foreach (var kpi in KpiCatalog.Default.Kpis.Where(k => k.Kind != KpiKind.Cumulative && k.Id is not ("buyers" or "top10_sku_gmv_share")))
            {
                var expected = result.Kpis.Single(k => k.KpiId == kpi.Id).Value;
                var value = DaxArithmetic.Evaluate(model.Measure(kpi.LabelEn)!.Expression!, GroupBase);
                Assert.True(expected is null == value is null, $"{kpi.Id} over {group.Count} store-days: DAX gives {value}, the engine {expected}");
                if (expected is { } e && value is { } v)
                {
                    Assert.True(Math.Abs(e - v) <= 0.0001m * Math.Max(1m, Math.Abs(e)), $"{kpi.Id} over {group.Count} store-days: DAX gives {v}, the engine {e}");
                    groupCompared++;
                }
            }
        }

        Assert.True(groupCompared > 50, $"{groupCompared} group values compared");

        // A store-day with no unit cost for a sold SKU: the pipeline's gross margin is null, and so is the measure's
        // (DAX alone would count the blank COGS as 0 and show a margin).
        var row0 = rows[0];
        var margin = model.Measure(KpiCatalog.Default.Kpis.Single(k => k.Id == "gross_margin").LabelEn)!.Expression!;
        Assert.Null(DaxArithmetic.Evaluate(margin, n => n == "m_cogs" ? null : row0.Measures[n[2..]] ?? 0m));
        Assert.NotNull(DaxArithmetic.Evaluate(margin, n => row0.Measures[n[2..]] ?? 1m));
    }

    [Fact]
    public void The_dax_arithmetic_follows_precedence_and_blanks_a_zero_denominator()
    {
        var values = new Dictionary<string, decimal?> { ["a"] = 10m, ["b"] = 4m, ["c"] = 2m, ["z"] = 0m, ["n"] = null };

        Assert.Equal(4m, DaxArithmetic.Evaluate("[a] - [b] - [c]", n => values[n]));
        Assert.Equal(8m, DaxArithmetic.Evaluate("[a] - ([b] - [c])", n => values[n]));
        Assert.Equal(18m, DaxArithmetic.Evaluate("[a] + [b] * [c]", n => values[n]));
        Assert.Equal(375m, DaxArithmetic.Evaluate("DIVIDE([a] + [c] * 10, [b] * 2) * 100", n => values[n])); // 30 / 8 × 100
        Assert.Null(DaxArithmetic.Evaluate("DIVIDE([a], [z]) * 100", n => values[n]));
        Assert.Equal(10m, DaxArithmetic.Evaluate("[a] + [n]", n => values[n])); // DAX: BLANK + 10 = 10
        Assert.Null(DaxArithmetic.Evaluate("[n] * 100", n => values[n]));
        Assert.Null(DaxArithmetic.Evaluate("IF(\n    ISBLANK([a]) || ISBLANK([n]),\n    BLANK(),\n    [a] + [n]\n)", n => values[n]));
        Assert.Equal(14m, DaxArithmetic.Evaluate("IF(ISBLANK([a]) || ISBLANK([b]), BLANK(), [a] + [b])", n => values[n]));
    }

    [Fact]
    public void The_dax_reader_catches_a_slash_an_unknown_column_and_an_unknown_name()
    {
        var model = TemplateModel.Load();

        Assert.Contains("divides with '/'", Assert.ThrowsAny<Exception>(() => model.References("[m_gmv] / [m_gmv_orders]", "test")).Message, StringComparison.Ordinal);
        Assert.Contains("'nonsense' is not a table", Assert.ThrowsAny<Exception>(() => model.References("SUM(fact_store_day[gmv_value]) + nonsense", "test")).Message, StringComparison.Ordinal);
        var refs = model.References("VAR x = SUM('fact_store_day'[gmv_value]) // a / comment\nRETURN DIVIDE(x, [Orders]) & \"a/b\"", "test");
        Assert.Equal([new DaxReference("fact_store_day", "gmv_value"), new DaxReference(null, "Orders")], refs);
        Assert.Null(model.Column("fact_store_day", "gmv_typo"));
        Assert.Contains("SUMM( is not a DAX function", Assert.ThrowsAny<Exception>(() => model.References("SUMM(fact_store_day[gmv_value])", "test")).Message, StringComparison.Ordinal);
        Assert.Contains("[@nope] is not added by ADDCOLUMNS", Assert.ThrowsAny<Exception>(() => model.References("SUMX(dim_date, [@nope])", "test")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_tmdl_reader_rejects_what_desktop_would()
    {
        Assert.Contains("spaces", Assert.Throws<FormatException>(() => TmdlReader.Read("table t\n    column c\n", "x")).Message, StringComparison.Ordinal);
        Assert.Contains("one tab per level", Assert.Throws<FormatException>(() => TmdlReader.Read("table t\n\t\tcolumn c\n", "x")).Message, StringComparison.Ordinal);
        Assert.Contains("not one of", Assert.Throws<FormatException>(() => TmdlReader.Read("table t\n\tcolumn c\n\t\tdataType: text\n", "x")).Message, StringComparison.Ordinal);
        Assert.Contains("not allowed", Assert.Throws<FormatException>(() => TmdlReader.Read("table t\n\tcolumn c\n\t\tcaption: x\n", "x")).Message, StringComparison.Ordinal);
        Assert.Contains("no description", Assert.Throws<FormatException>(() => TmdlReader.Read("/// d\nrelationship r\n\tfromColumn: a.b\n", "x")).Message, StringComparison.Ordinal);
        Assert.Contains("must be quoted", Assert.Throws<FormatException>(() => TmdlReader.Read("table t\n\tmeasure GMV WoW = 1\n", "x")).Message, StringComparison.Ordinal);
        Assert.Contains("after its child objects", Assert.Throws<FormatException>(() => TmdlReader.Read("table t\n\tcolumn c\n\t\tdataType: string\n\tlineageTag: x\n", "x")).Message, StringComparison.Ordinal);
        Assert.Contains("set twice", Assert.Throws<FormatException>(() => TmdlReader.Read("table t\n\tcolumn c\n\t\tdataType: string\n\t\tdataType: int64\n", "x")).Message, StringComparison.Ordinal);
        Assert.Contains("no expression", Assert.Throws<FormatException>(() => TmdlReader.Read("table t\n\tmeasure m =\n\t\tformatString: 0\n", "x")).Message, StringComparison.Ordinal);

        Assert.Contains("neither a table", Assert.Throws<FormatException>(() => TmdlReader.Read("ref culture zh-CN\n", "x")).Message, StringComparison.Ordinal);
        Assert.Contains("not allowed", Assert.Throws<FormatException>(() => TmdlReader.Read("culture zh-CN\n", "x")).Message, StringComparison.Ordinal);
        Assert.Contains("must be quoted", Assert.Throws<FormatException>(() => TmdlReader.Read("table a.b\n", "x")).Message, StringComparison.Ordinal);

        var ok = TmdlReader.Read("/// A table.\ntable 'My t'\n\tmeasure 'It''s' =\n\t\t\tVAR a = 1\n\t\t\tRETURN a\n\t\tformatString: 0\n", "x");
        Assert.Equal(("My t", "It's", "VAR a = 1\nRETURN a"), (ok[0].Name, ok[0].Children[0].Name, ok[0].Children[0].Expression));
    }

    [Fact]
    public void Every_visible_measure_and_table_has_a_chinese_caption_and_kpis_use_the_catalogs()
    {
        var model = TemplateModel.Load();
        var translations = model.Files["cultures/zh-CN.tmdl"].Single(n => n.Type == "cultureInfo" && n.Name == "zh-CN").Of("translations").Single().Of("model").Single();

        foreach (var table in model.Tables)
        {
            var translated = translations.Of("table").SingleOrDefault(t => t.Name == table.Name);
            Assert.True(translated?["caption"] is { Length: > 0 }, $"table {table.Name} has no zh-CN caption");
            foreach (var measure in table.Of("measure").Where(m => m["isHidden"] is null))
            {
                var m = translated!.Of("measure").SingleOrDefault(x => x.Name == measure.Name);
                Assert.True(m?["caption"] is { Length: > 0 } && m["displayFolder"] is { Length: > 0 }, $"measure {measure.Name} has no zh-CN caption or folder");
                Assert.Matches(CjkPattern(), m!["caption"]!);
            }

            Assert.All(translated!.Of("measure"), m => Assert.NotNull(model.Measure(m.Name!)));
        }

        var kpi = translations.Of("table").Single(t => t.Name == PowerBiModelBuilder.MeasureTable);
        foreach (var k in KpiCatalog.Default.Kpis)
        {
            Assert.Equal(k.LabelZh, kpi.Of("measure").Single(m => m.Name == k.LabelEn)["caption"]);
        }
    }

    [Fact]
    public void Queries_reach_storage_only_through_the_parameters_and_type_every_column_as_the_model_does()
    {
        var model = TemplateModel.Load();
        foreach (var name in ParameterNames)
        {
            var parameter = model.Expressions.Single(e => e.Name == name);
            Assert.Matches(ParameterPattern(), parameter.Expression!);
        }

        var all = string.Join('\n', model.Expressions.Select(e => e.Expression).Concat(model.Tables.Select(t => t.Of("partition").Single()["source"])));
        // No generated text leaked into a query (a lineage tag once replaced the M list index in Found{0}).
        Assert.DoesNotMatch(GuidPattern(), all);
        Assert.Contains("else Found{0}", model.Expressions.Single(e => e.Name == "ReadSemanticTable").Expression, StringComparison.Ordinal);
        // Only the parameter-driven listing touches a source; no URL is built from data (the Service could not refresh it).
        Assert.Equal(["AzureStorage.Blobs(StorageAccountUrl)"], SourceCalls().Matches(all).Select(m => m.Value));

        var mTypes = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["type text"] = "string",
            ["Int64.Type"] = "int64",
            ["Currency.Type"] = "decimal",
            ["type number"] = "double",
            ["type date"] = "dateTime",
            ["type logical"] = "boolean",
        };
        foreach (var table in model.Tables.Where(t => t.Name != PowerBiModelBuilder.MeasureTable))
        {
            var source = table.Of("partition").Single()["source"]!;
            Assert.Contains($"ReadSemanticTable(\"{table.Name}\")", source, StringComparison.Ordinal);
            var typed = ColumnTypes().Matches(source).ToDictionary(m => m.Groups[1].Value, m => mTypes[m.Groups[2].Value], StringComparer.Ordinal);
            Assert.Equal(table.Of("column").ToDictionary(c => c["sourceColumn"]!, c => c["dataType"]!, StringComparer.Ordinal), typed);
        }
    }

    [Fact]
    public void Report_pages_and_visuals_are_well_formed_and_every_field_they_use_exists_as_what_they_say()
    {
        var model = TemplateModel.Load();
        var report = Path.Combine(model.Root, "ShopKpi.Report");
        var pbir = JsonDocument.Parse(File.ReadAllText(Path.Combine(report, "definition.pbir"))).RootElement;
        var byPath = pbir.GetProperty("datasetReference").GetProperty("byPath").GetProperty("path").GetString()!;
        Assert.False(Path.IsPathRooted(byPath));
        Assert.True(File.Exists(Path.Combine(report, byPath, "definition.pbism")));
        var pbip = JsonDocument.Parse(File.ReadAllText(Path.Combine(model.Root, "ShopKpi.pbip"))).RootElement;
        Assert.True(Directory.Exists(Path.Combine(model.Root, pbip.GetProperty("artifacts")[0].GetProperty("report").GetProperty("path").GetString()!)));

        var pagesDir = Path.Combine(report, "definition", "pages");
        var pagesMeta = JsonDocument.Parse(File.ReadAllText(Path.Combine(pagesDir, "pages.json"))).RootElement;
        var pages = Directory.EnumerateFiles(pagesDir, "page.json", SearchOption.AllDirectories).Select(f => (File: f, Json: JsonDocument.Parse(File.ReadAllText(f)).RootElement)).ToList();
        var pageNames = pages.Select(p => p.Json.GetProperty("name").GetString()!).ToList();
        Assert.Equal(pageNames.Order(StringComparer.Ordinal), pagesMeta.GetProperty("pageOrder").EnumerateArray().Select(e => e.GetString()!).Order(StringComparer.Ordinal));
        Assert.Contains(pagesMeta.GetProperty("activePageName").GetString(), pageNames);
        Assert.Equal(["Overview", "Store comparison", "Funnel", "Content", "Service and health", "Alerts", "Weekly review", "Roles", "Creators & LIVE"],
            pagesMeta.GetProperty("pageOrder").EnumerateArray().Select(n => pages.Single(p => p.Json.GetProperty("name").GetString() == n.GetString()).Json.GetProperty("displayName").GetString()));

        var reportJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(report, "definition", "report.json"))).RootElement;
        Assert.True(reportJson.TryGetProperty("$schema", out _) && reportJson.TryGetProperty("themeCollection", out _));
        Assert.All(pages, p => Assert.All(new[] { "$schema", "name", "displayName", "displayOption" }, key => Assert.True(p.Json.TryGetProperty(key, out _), $"{p.File}: no {key}")));

        var fields = 0;
        var visualNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (file, page) in pages)
        {
            Assert.Equal(Path.GetFileName(Path.GetDirectoryName(file)), page.GetProperty("name").GetString());
            Assert.Matches(NamePattern(), page.GetProperty("name").GetString()!);
            var (width, height) = (page.GetProperty("width").GetInt32(), page.GetProperty("height").GetInt32());
            foreach (var visualFile in Directory.EnumerateFiles(Path.Combine(Path.GetDirectoryName(file)!, "visuals"), "visual.json", SearchOption.AllDirectories))
            {
                var visual = JsonDocument.Parse(File.ReadAllText(visualFile)).RootElement;
                var name = visual.GetProperty("name").GetString()!;
                Assert.Matches(NamePattern(), name);
                Assert.True(visualNames.Add(name), $"visual {name} twice");
                Assert.StartsWith("https://developer.microsoft.com/json-schemas/fabric/item/report/definition/visualContainer/", visual.GetProperty("$schema").GetString(), StringComparison.Ordinal);
                // The roles each visual type takes, and conditional formats aimed at a field the visual shows.
                var type = visual.GetProperty("visual").GetProperty("visualType").GetString()!;
                var roles = visual.GetProperty("visual").GetProperty("query").GetProperty("queryState").EnumerateObject().Select(r => r.Name).Order(StringComparer.Ordinal).ToArray();
                Assert.True(RolesOf.TryGetValue(type, out var allowed) && allowed.SequenceEqual(roles), $"{name}: a {type} with roles {string.Join(", ", roles)}");
                var queryRefs = visual.GetProperty("visual").GetProperty("query").GetProperty("queryState").EnumerateObject()
                    .SelectMany(r => r.Value.GetProperty("projections").EnumerateArray()).Select(x => x.GetProperty("queryRef").GetString()).ToHashSet(StringComparer.Ordinal);
                if (visual.GetProperty("visual").TryGetProperty("objects", out var objects))
                {
                    foreach (var format in objects.EnumerateObject().SelectMany(o => o.Value.EnumerateArray()).Where(o => o.TryGetProperty("selector", out _)))
                    {
                        Assert.Contains(format.GetProperty("selector").GetProperty("metadata").GetString(), queryRefs);
                    }
                }

                var p = visual.GetProperty("position");
                Assert.True(p.GetProperty("x").GetDouble() >= 0 && p.GetProperty("y").GetDouble() >= 0
                    && p.GetProperty("x").GetDouble() + p.GetProperty("width").GetDouble() <= width
                    && p.GetProperty("y").GetDouble() + p.GetProperty("height").GetDouble() <= height, $"{name} is off the page");
                foreach (var (kind, entity, property, queryRef) in FieldsOf(visual))
                {
                    fields++;
                    var exists = kind == "Measure" ? model.Measures.Any(m => m.Table.Name == entity && m.Measure.Name == property) : model.Column(entity, property) is not null;
                    Assert.True(exists, $"{name}: {kind} {entity}.{property} is not in the model");
                    Assert.True(queryRef is null || queryRef == $"{entity}.{property}", $"{name}: queryRef {queryRef} for {entity}.{property}");
                }
            }
        }

        Assert.True(fields > 120, $"{fields} fields");
        Assert.All(Directory.EnumerateFiles(report, "*", SearchOption.AllDirectories), f => Assert.True(new FileInfo(f).Length < 1_000_000, f));
    }

    private static readonly Dictionary<string, string[]> RolesOf = new(StringComparer.Ordinal)
    {
        ["card"] = ["Values"],
        ["tableEx"] = ["Values"],
        ["slicer"] = ["Values"],
        ["lineChart"] = ["Category", "Y"],
        ["clusteredBarChart"] = ["Category", "Y"],
        ["clusteredColumnChart"] = ["Category", "Y"],
    };

    private static IEnumerable<(string Kind, string Entity, string Property, string? QueryRef)> FieldsOf(JsonElement e, string? queryRef = null)
    {
        if (e.ValueKind == JsonValueKind.Object)
        {
            foreach (var kind in new[] { "Measure", "Column" })
            {
                if (e.TryGetProperty(kind, out var f) && f.TryGetProperty("Property", out var prop))
                {
                    yield return (kind, f.GetProperty("Expression").GetProperty("SourceRef").GetProperty("Entity").GetString()!, prop.GetString()!, queryRef);
                }
            }

            var own = e.TryGetProperty("queryRef", out var q) ? q.GetString() : null;
            foreach (var p in e.EnumerateObject())
            {
                foreach (var found in FieldsOf(p.Value, p.Name == "field" ? own : null))
                {
                    yield return found;
                }
            }
        }
        else if (e.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in e.EnumerateArray())
            {
                foreach (var found in FieldsOf(item))
                {
                    yield return found;
                }
            }
        }
    }

    private static TmdlNode Resolve(TemplateModel model, string qualified, string where)
    {
        var parts = qualified.Split('.');
        Assert.True(parts.Length == 2, $"{where}: {qualified}");
        return model.Column(parts[0], parts[1]) ?? throw new Xunit.Sdk.XunitException($"{where}: {qualified} is not a column");
    }

    private static IEnumerable<TmdlNode> Flatten(IEnumerable<TmdlNode> nodes) => nodes.SelectMany(n => Flatten(n.Children).Prepend(n));

    [GeneratedRegex(@"^""https://[^""]+"" meta \[IsParameterQuery = true, Type = ""Text"", IsParameterQueryRequired = true\]$|^""[a-z0-9-]+"" meta \[IsParameterQuery = true, Type = ""Text"", IsParameterQueryRequired = true\]$")]
    private static partial Regex ParameterPattern();

    [GeneratedRegex(@"(AzureStorage\.\w+|Web\.Contents|File\.Contents|Sql\.\w+|OData\.Feed)\([^)]*\)")]
    private static partial Regex SourceCalls();

    [GeneratedRegex(@"\{""(\w+)"", (type text|Int64\.Type|Currency\.Type|type number|type date|type logical)\}")]
    private static partial Regex ColumnTypes();

    [GeneratedRegex(@"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex GuidPattern();

    [GeneratedRegex(@"^[\w-]+$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"\p{IsCJKUnifiedIdeographs}")]
    private static partial Regex CjkPattern();
}

/// <summary>
/// Evaluates the arithmetic DAX the template generates for a KPI over given base measure values, with DAX's own BLANK
/// rules (null here): BLANK + x is x, BLANK × x is BLANK, DIVIDE by BLANK or 0 is BLANK; and IF(ISBLANK(a) || ...,
/// BLANK(), e), the guard the template puts round sums. Enough to hold each generated KPI against the pipeline's value.
/// </summary>
internal sealed class DaxArithmetic(string text, Func<string, decimal?> measure)
{
    private int _at;

    public static decimal? Evaluate(string text, Func<string, decimal?> measure)
    {
        var parser = new DaxArithmetic(text, measure);
        var value = parser.Sum();
        parser.Space();
        Assert.True(parser._at == text.Length, $"unread DAX at {parser._at}: {text}");
        return value;
    }

    private decimal? Sum()
    {
        var value = Product();
        while (Peek() is '+' or '-')
        {
            var op = text[_at++];
            var right = Product();
            value = value is null && right is null ? null : op == '+' ? (value ?? 0) + (right ?? 0) : (value ?? 0) - (right ?? 0);
        }

        return value;
    }

    private decimal? Product()
    {
        var value = Factor();
        while (Peek() == '*')
        {
            _at++;
            var right = Factor();
            value = value is { } l && right is { } r ? l * r : null;
        }

        return value;
    }

    private decimal? Factor()
    {
        var c = Peek();
        if (c == '(')
        {
            _at++;
            var inner = Sum();
            Expect(')');
            return inner;
        }

        if (c == '[')
        {
            var close = text.IndexOf(']', _at);
            var name = text[(_at + 1)..close];
            _at = close + 1;
            return measure(name);
        }

        if (char.IsDigit(c))
        {
            var start = _at;
            while (_at < text.Length && (char.IsDigit(text[_at]) || text[_at] == '.'))
            {
                _at++;
            }

            return decimal.Parse(text[start.._at], System.Globalization.CultureInfo.InvariantCulture);
        }

        if (Word("BLANK()"))
        {
            return null;
        }

        if (Word("IF("))
        {
            var anyBlank = false;
            do
            {
                Assert.True(Word("ISBLANK("), $"only ISBLANK(...) || ... conditions, at {_at}: {text}");
                anyBlank |= Sum() is null;
                Expect(')');
            }
            while (Word("||"));
            Expect(',');
            Assert.True(Word("BLANK()"), $"IF(..., BLANK(), ...) expected at {_at}: {text}");
            Expect(',');
            var otherwise = Sum();
            Expect(')');
            return anyBlank ? null : otherwise;
        }

        Assert.True(Word("DIVIDE("), $"unexpected DAX at {_at}: {text}");
        var numerator = Sum();
        Expect(',');
        var denominator = Sum();
        Expect(')');
        return numerator is { } n && denominator is { } d && d != 0 ? n / d : null;
    }

    private bool Word(string word)
    {
        Space();
        if (string.CompareOrdinal(text, _at, word, 0, word.Length) != 0)
        {
            return false;
        }

        _at += word.Length;
        return true;
    }

    private char Peek()
    {
        Space();
        return _at < text.Length ? text[_at] : '\0';
    }

    private void Space()
    {
        while (_at < text.Length && char.IsWhiteSpace(text[_at]))
        {
            _at++;
        }
    }

    private void Expect(char c)
    {
        Assert.True(Peek() == c, $"expected '{c}' at {_at}: {text}");
        _at++;
    }
}
