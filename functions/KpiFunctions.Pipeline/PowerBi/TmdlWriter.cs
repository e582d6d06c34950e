using System.Security.Cryptography;
using System.Text;

namespace KpiFunctions.Pipeline.PowerBi;

/// <summary>
/// Writes a <see cref="PowerBiModel"/> as TMDL (Microsoft's "TMDL overview": one tab per level, <c>///</c>
/// descriptions above declarations, default properties and expressions after <c>=</c> with multi-line bodies two
/// levels deeper than their declaration, other properties as <c>name: value</c>).
/// </summary>
public static class TmdlWriter
{
    /// <summary>The model's files, by path under the definition folder.</summary>
    public static IReadOnlyDictionary<string, string> Write(PowerBiModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["database.tmdl"] = "database\n\tcompatibilityLevel: 1601\n",
            ["model.tmdl"] = ModelFile(model),
            ["expressions.tmdl"] = Expressions(),
            ["relationships.tmdl"] = Relationships(model),
            ["cultures/zh-CN.tmdl"] = Culture(model),
        };
        foreach (var table in model.Tables)
        {
            files[$"tables/{table.Name}.tmdl"] = Table(table);
        }

        return files;
    }

    /// <summary>A name as TMDL writes it: quoted with single quotes unless it is letters, digits and underscores.</summary>
    public static string Name(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Dax.IsPlainName(name) ? name : "'" + name.Replace("'", "''", StringComparison.Ordinal) + "'";
    }

    /// <summary>A stable GUID for an object path, so lineage tags survive regeneration and differ between objects.</summary>
    public static string LineageTag(string path)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("kpifunctions/" + path));
        return new Guid(hash.AsSpan(0, 16)).ToString();
    }

    private static string ModelFile(PowerBiModel model)
    {
        var b = new StringBuilder();
        b.Append("model Model\n");
        b.Append("\tculture: en-US\n");
        b.Append("\tdefaultPowerBIDataSourceVersion: powerBI_V3\n");
        b.Append("\tdiscourageImplicitMeasures\n");
        b.Append("\tsourceQueryCulture: en-US\n");
        b.Append("\tdataAccessOptions\n");
        b.Append("\t\tlegacyRedirects\n");
        b.Append("\t\treturnErrorValuesAsNull\n");
        b.Append('\n');
        // Auto date/time off: the marked dim_date is the only calendar.
        b.Append("annotation __PBI_TimeIntelligenceEnabled = 0\n");
        b.Append('\n');
        foreach (var table in model.Tables)
        {
            b.Append("ref table ").Append(Name(table.Name)).Append('\n');
        }

        b.Append('\n');
        b.Append("ref cultureInfo zh-CN\n");
        return b.ToString();
    }

    private static string Expressions()
    {
        // Only the parameters reach a data source function; the tables navigate and filter its listing. The Service can
        // refresh that (a URL built from the manifest would be a dynamic data source it cannot).
        return $$"""
            /// The storage account's blob endpoint, e.g. https://mystorage.blob.core.windows.net
            expression StorageAccountUrl = "https://CHANGE-ME.blob.core.windows.net" meta [IsParameterQuery = true, Type = "Text", IsParameterQueryRequired = true]
            	lineageTag: {{LineageTag("expression/StorageAccountUrl")}}

            	annotation PBI_ResultType = Text

            /// The container the pipeline publishes the semantic dataset to: semantic.
            expression ContainerName = "semantic" meta [IsParameterQuery = true, Type = "Text", IsParameterQueryRequired = true]
            	lineageTag: {{LineageTag("expression/ContainerName")}}

            	annotation PBI_ResultType = Text

            /// The container's blobs: manifest.json and every version's Parquet files.
            expression SemanticFiles =
            		let
            		    Account = AzureStorage.Blobs(StorageAccountUrl),
            		    Container = Account{[Name = ContainerName]}[Data]
            		in
            		    Container
            	lineageTag: {{LineageTag("expression/SemanticFiles")}}

            	annotation PBI_ResultType = Table

            /// One table of the current version: the files manifest.json lists for it (shared ones from earlier versions too), combined.
            expression ReadSemanticTable =
            		(tableName as text) as table =>
            		let
            		    Manifest = Json.Document(SemanticFiles{[Name = "manifest.json"]}[Content]),
            		    Found = List.Select(Manifest[tables], each [name] = tableName),
            		    Entry =
            		        if List.IsEmpty(Found)
            		        then error Error.Record("KpiFunctions", "manifest.json has no table " & tableName & "; the pipeline that published it is older than this template, so publish again.")
            		        else Found{0},
            		    Paths = List.Transform(Entry[files], each Text.AfterDelimiter([path], "/")),
            		    Parts = Table.SelectRows(SemanticFiles, each List.Contains(Paths, [Name])),
            		    Checked =
            		        if Table.RowCount(Parts) <> List.Count(Paths)
            		        then error Error.Record("KpiFunctions", "manifest.json lists " & Text.From(List.Count(Paths)) & " files of " & tableName & " but the container has " & Text.From(Table.RowCount(Parts)) & " of them; refresh again after the next publish.")
            		        else Parts,
            		    Loaded = List.Transform(Checked[Content], each Parquet.Document(_)),
            		    Empty = #table(List.Transform(Entry[schema], each [name]), {})
            		in
            		    if List.IsEmpty(Loaded) then Empty else Table.Combine(Loaded)
            	lineageTag: {{LineageTag("expression/ReadSemanticTable")}}

            	annotation PBI_ResultType = Function

            """
            .ReplaceLineEndings("\n");
    }

    private static string Relationships(PowerBiModel model)
    {
        var b = new StringBuilder();
        foreach (var r in model.Relationships)
        {
            b.Append("relationship ").Append(Name(r.Name)).Append('\n');
            b.Append("\tfromColumn: ").Append(Name(r.FromTable)).Append('.').Append(Name(r.FromColumn)).Append('\n');
            b.Append("\ttoColumn: ").Append(Name(r.ToTable)).Append('.').Append(Name(r.ToColumn)).Append('\n');
            b.Append('\n');
        }

        return b.ToString();
    }

    private static string Table(ModelTable table)
    {
        var b = new StringBuilder();
        b.Append("/// ").Append(table.Description).Append('\n');
        b.Append("table ").Append(Name(table.Name)).Append('\n');
        if (table.IsDateTable)
        {
            b.Append("\tdataCategory: Time\n");
        }

        b.Append("\tlineageTag: ").Append(LineageTag("table/" + table.Name)).Append('\n');
        b.Append('\n');
        foreach (var m in table.Measures)
        {
            b.Append("\t/// ").Append(m.Description).Append('\n');
            b.Append("\tmeasure ").Append(Name(m.Name)).Append(" =");
            Body(b, m.Expression, 3);
            if (m.FormatString.Length > 0)
            {
                b.Append("\t\tformatString: ").Append(m.FormatString).Append('\n');
            }

            b.Append("\t\tdisplayFolder: ").Append(m.Folder).Append('\n');
            if (m.Hidden)
            {
                b.Append("\t\tisHidden\n");
            }

            b.Append("\t\tlineageTag: ").Append(LineageTag($"measure/{table.Name}/{m.Name}")).Append('\n');
            b.Append('\n');
        }

        foreach (var c in table.Columns)
        {
            b.Append("\t/// ").Append(c.Description).Append('\n');
            b.Append("\tcolumn ").Append(Name(c.Name)).Append('\n');
            b.Append("\t\tdataType: ").Append(c.DataType).Append('\n');
            if (c.IsKey)
            {
                b.Append("\t\tisKey\n");
            }

            if (c.FormatString is { } format)
            {
                b.Append("\t\tformatString: ").Append(format).Append('\n');
            }

            if (c.Hidden)
            {
                b.Append("\t\tisHidden\n");
            }

            b.Append("\t\tlineageTag: ").Append(LineageTag($"column/{table.Name}/{c.Name}")).Append('\n');
            b.Append("\t\tsummarizeBy: none\n");
            b.Append("\t\tsourceColumn: ").Append(c.SourceColumn).Append('\n');
            if (c.SortBy is { } sortBy)
            {
                b.Append("\t\tsortByColumn: ").Append(Name(sortBy)).Append('\n');
            }

            if (c.DataType == "dateTime")
            {
                b.Append('\n');
                b.Append("\t\tannotation UnderlyingDateTimeDataType = Date\n");
            }

            b.Append('\n');
        }

        b.Append("\tpartition ").Append(Name(table.Name)).Append(" = m\n");
        b.Append("\t\tmode: import\n");
        b.Append("\t\tsource =");
        Body(b, table.Partition, 4);
        return b.ToString();
    }

    /// <summary>An expression after <c>=</c>: on the same line when it is one line, else on its own lines <paramref name="depth"/> tabs in.</summary>
    private static void Body(StringBuilder b, string expression, int depth)
    {
        var lines = expression.Split('\n');
        if (lines.Length == 1)
        {
            b.Append(' ').Append(expression).Append('\n');
            return;
        }

        b.Append('\n');
        foreach (var line in lines)
        {
            b.Append('\t', depth).Append(line).Append('\n');
        }
    }

    private static string Culture(PowerBiModel model)
    {
        var b = new StringBuilder();
        b.Append("cultureInfo zh-CN\n");
        b.Append("\ttranslations\n");
        b.Append("\t\tmodel Model\n");
        foreach (var table in model.Tables)
        {
            b.Append("\t\t\ttable ").Append(Name(table.Name)).Append('\n');
            b.Append("\t\t\t\tcaption: ").Append(table.NameZh).Append('\n');
            foreach (var m in table.Measures.Where(m => !m.Hidden))
            {
                b.Append("\t\t\t\tmeasure ").Append(Name(m.Name)).Append('\n');
                if (m.NameZh is { } zh)
                {
                    b.Append("\t\t\t\t\tcaption: ").Append(zh).Append('\n');
                }

                b.Append("\t\t\t\t\tdisplayFolder: ").Append(model.FolderZh[m.Folder]).Append('\n');
            }
        }

        return b.ToString();
    }
}
