using System.Text.Json;
using System.Text.Json.Nodes;

namespace KpiFunctions.Pipeline.PowerBi;

/// <summary>A field a visual shows: a measure of the KPI table, or a column of a table.</summary>
/// <param name="Table">Table.</param>
/// <param name="Name">Measure or column name.</param>
/// <param name="IsMeasure">A measure (else a column).</param>
public sealed record ReportField(string Table, string Name, bool IsMeasure)
{
    /// <summary>A KPI-table measure.</summary>
    public static ReportField M(string name) => new(PowerBiModelBuilder.MeasureTable, name, true);

    /// <summary>A column.</summary>
    public static ReportField C(string table, string column) => new(table, column, false);
}

/// <summary>One visual on a page.</summary>
/// <param name="Name">Folder and object name (letters, digits, _ and -).</param>
/// <param name="Type">Power BI visual type id.</param>
/// <param name="Title">Title shown above it.</param>
/// <param name="X">Left.</param>
/// <param name="Y">Top.</param>
/// <param name="Width">Width.</param>
/// <param name="Height">Height.</param>
/// <param name="Roles">Data roles and their fields (Values, Category, Y).</param>
/// <param name="Colours">Fields whose font colour a colour measure sets: field name → colour measure.</param>
public sealed record ReportVisual(string Name, string Type, string Title, int X, int Y, int Width, int Height, IReadOnlyList<(string Role, IReadOnlyList<ReportField> Fields)> Roles, IReadOnlyDictionary<string, string>? Colours = null);

/// <summary>A report page.</summary>
/// <param name="Name">Folder and object name.</param>
/// <param name="DisplayName">Tab caption.</param>
/// <param name="Visuals">Its visuals.</param>
public sealed record ReportPage(string Name, string DisplayName, IReadOnlyList<ReportVisual> Visuals);

/// <summary>
/// The report in the PBIR format (one JSON file per page and visual, each naming its JSON schema), bound to the
/// semantic model by relative path.
/// </summary>
public static class ReportWriter
{
    /// <summary>Page width.</summary>
    public const int PageWidth = 1280;

    /// <summary>Page height.</summary>
    public const int PageHeight = 720;

    private const string Schemas = "https://developer.microsoft.com/json-schemas/fabric/item/report/definition/";
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The report's files, by path under the report's definition folder.</summary>
    public static IReadOnlyDictionary<string, string> Write(IReadOnlyList<ReportPage> pages)
    {
        ArgumentNullException.ThrowIfNull(pages);
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["version.json"] = Json(new JsonObject { ["$schema"] = Schemas + "versionMetadata/1.0.0/schema.json", ["version"] = "2.0.0" }),
            ["report.json"] = Json(new JsonObject
            {
                ["$schema"] = Schemas + "report/3.0.0/schema.json",
                ["themeCollection"] = new JsonObject
                {
                    ["baseTheme"] = new JsonObject
                    {
                        ["name"] = "CY24SU10",
                        ["reportVersionAtImport"] = new JsonObject { ["visual"] = "1.8.95", ["report"] = "2.0.95", ["page"] = "1.3.95" },
                        ["type"] = "SharedResources",
                    },
                },
                ["settings"] = new JsonObject { ["useStylableVisualContainerHeader"] = true, ["defaultDrillFilterOtherVisuals"] = true },
            }),
            ["pages/pages.json"] = Json(new JsonObject
            {
                ["$schema"] = Schemas + "pagesMetadata/1.0.0/schema.json",
                ["pageOrder"] = new JsonArray([.. pages.Select(p => (JsonNode)p.Name)]),
                ["activePageName"] = pages[0].Name,
            }),
        };
        foreach (var page in pages)
        {
            files[$"pages/{page.Name}/page.json"] = Json(new JsonObject
            {
                ["$schema"] = Schemas + "page/2.0.0/schema.json",
                ["name"] = page.Name,
                ["displayName"] = page.DisplayName,
                ["displayOption"] = "FitToPage",
                ["height"] = PageHeight,
                ["width"] = PageWidth,
            });
            var z = 0;
            foreach (var visual in page.Visuals)
            {
                files[$"pages/{page.Name}/visuals/{visual.Name}/visual.json"] = Json(Visual(visual, z));
                z += 1000;
            }
        }

        return files;
    }

    private static JsonObject Visual(ReportVisual v, int z)
    {
        var queryState = new JsonObject();
        foreach (var (role, fields) in v.Roles)
        {
            queryState[role] = new JsonObject { ["projections"] = new JsonArray([.. fields.Select(f => (JsonNode)Projection(f, role is "Category" or "Rows"))]) };
        }

        var visual = new JsonObject
        {
            ["visualType"] = v.Type,
            ["query"] = new JsonObject { ["queryState"] = queryState },
        };
        if (v.Colours is { Count: > 0 } colours)
        {
            // Field-value conditional formatting: the colour measure is evaluated per row of the field it colours.
            visual["objects"] = new JsonObject
            {
                ["values"] = new JsonArray([.. colours.Select(c => (JsonNode)new JsonObject
                {
                    ["properties"] = new JsonObject { ["fontColor"] = new JsonObject { ["solid"] = new JsonObject { ["color"] = new JsonObject { ["expr"] = FieldExpression(ReportField.M(c.Value)) } } } },
                    ["selector"] = new JsonObject
                    {
                        ["data"] = new JsonArray(new JsonObject { ["dataViewWildcard"] = new JsonObject { ["matchingOption"] = 1 } }),
                        ["metadata"] = $"{PowerBiModelBuilder.MeasureTable}.{c.Key}",
                    },
                })]),
            };
        }

        visual["visualContainerObjects"] = new JsonObject
        {
            ["title"] = new JsonArray(new JsonObject
            {
                ["properties"] = new JsonObject
                {
                    ["show"] = Literal("true"),
                    ["text"] = Literal("'" + v.Title.Replace("'", "''", StringComparison.Ordinal) + "'"),
                },
            }),
        };
        visual["drillFilterOtherVisuals"] = true;
        return new JsonObject
        {
            ["$schema"] = Schemas + "visualContainer/2.4.0/schema.json",
            ["name"] = v.Name,
            ["position"] = new JsonObject { ["x"] = v.X, ["y"] = v.Y, ["z"] = z, ["width"] = v.Width, ["height"] = v.Height, ["tabOrder"] = z },
            ["visual"] = visual,
        };
    }

    private static JsonObject Projection(ReportField f, bool active)
    {
        var p = new JsonObject
        {
            ["field"] = FieldExpression(f),
            ["queryRef"] = $"{f.Table}.{f.Name}",
            ["nativeQueryRef"] = f.Name,
        };
        if (active)
        {
            p["active"] = true;
        }

        return p;
    }

    private static JsonObject FieldExpression(ReportField f) => new()
    {
        [f.IsMeasure ? "Measure" : "Column"] = new JsonObject
        {
            ["Expression"] = new JsonObject { ["SourceRef"] = new JsonObject { ["Entity"] = f.Table } },
            ["Property"] = f.Name,
        },
    };

    private static JsonObject Literal(string value) => new() { ["expr"] = new JsonObject { ["Literal"] = new JsonObject { ["Value"] = value } } };

    /// <summary>JSON as the project's files hold it: indented, non-ASCII kept, '\n' line ends, a final newline.</summary>
    internal static string Json(JsonNode node) => node.ToJsonString(Indented).ReplaceLineEndings("\n") + "\n";
}
