using System.Text;
using KpiFunctions.Tests.Shared;

namespace KpiFunctions.Pipeline.Tests.PowerBi;

/// <summary>A DAX reference found in a measure: a column (table and column) or a measure (no table).</summary>
internal sealed record DaxReference(string? Table, string Name);

/// <summary>The checked-in template as the TMDL reader sees it.</summary>
internal sealed class TemplateModel
{
    public const string ModelFolder = "ShopKpi.SemanticModel/definition";

    private TemplateModel(string root, Dictionary<string, List<TmdlNode>> files)
    {
        Root = root;
        Files = files;
        Tables = files.Where(f => f.Key.StartsWith("tables/", StringComparison.Ordinal)).SelectMany(f => f.Value).Where(n => n.Type == "table").ToList();
        Relationships = files["relationships.tmdl"].Where(n => n.Type == "relationship").ToList();
        Expressions = files["expressions.tmdl"].Where(n => n.Type == "expression").ToList();
    }

    public string Root { get; }

    public Dictionary<string, List<TmdlNode>> Files { get; }

    public List<TmdlNode> Tables { get; }

    public List<TmdlNode> Relationships { get; }

    public List<TmdlNode> Expressions { get; }

    public IEnumerable<(TmdlNode Table, TmdlNode Measure)> Measures => Tables.SelectMany(t => t.Of("measure").Select(m => (t, m)));

    public static string PowerBiFolder => Path.Combine(RepoRoot.Find(), "powerbi");

    public static TemplateModel Load()
    {
        var definition = Path.Combine(PowerBiFolder, ModelFolder);
        var files = Directory.EnumerateFiles(definition, "*.tmdl", SearchOption.AllDirectories).ToDictionary(
            f => Path.GetRelativePath(definition, f).Replace(Path.DirectorySeparatorChar, '/'),
            f => TmdlReader.Read(File.ReadAllText(f, Encoding.UTF8), Path.GetRelativePath(PowerBiFolder, f)),
            StringComparer.Ordinal);
        return new TemplateModel(PowerBiFolder, files);
    }

    public TmdlNode Table(string name) => Tables.Single(t => t.Name == name);

    public TmdlNode? Column(string table, string column) => Tables.SingleOrDefault(t => t.Name == table)?.Of("column").SingleOrDefault(c => c.Name == column);

    public TmdlNode? Measure(string name) => Measures.Select(m => m.Measure).SingleOrDefault(m => m.Name == name);

    private static readonly string[] DaxWords = ["VAR", "RETURN", "DAY", "MONTH", "YEAR", "QUARTER", "TRUE", "FALSE", "BLANK", "IN", "NOT", "AND", "OR", "ASC", "DESC"];

    // The DAX functions the template may call; a misspelt one is an error, not a pass.
    private static readonly string[] DaxFunctions =
    [
        "SUM", "SUMX", "VALUES", "CALCULATE", "LASTDATE", "DISTINCTCOUNT", "TOPN", "KEEPFILTERS", "SWITCH", "TRUE", "HASONEVALUE",
        "COUNTROWS", "BLANK", "DIVIDE", "DATEADD", "SAMEPERIODLASTYEAR", "DATESMTD", "DATESINPERIOD", "MAX", "MIN", "IF", "ISBLANK",
        "REMOVEFILTERS", "FILTER", "ISEMPTY", "ADDCOLUMNS", "NOT",
    ];

    /// <summary>
    /// The references in a DAX expression, with strings and comments skipped. Throws on a '/' operator (quotients go
    /// through DIVIDE) and on a bare name that is neither a table, a VAR, nor a DAX keyword.
    /// </summary>
    public IReadOnlyList<DaxReference> References(string dax, string where)
    {
        var refs = new List<DaxReference>();
        var vars = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var tables = Tables.Select(t => t.Name!).ToHashSet(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < dax.Length; i++)
        {
            var c = dax[i];
            if (c == '"')
            {
                i = dax.IndexOf('"', i + 1);
                while (i + 1 < dax.Length && dax[i + 1] == '"')
                {
                    i = dax.IndexOf('"', i + 2);
                }

                Assert.True(i > 0, $"{where}: unterminated string");
            }
            else if (c == '-' && i + 1 < dax.Length && dax[i + 1] == '-' || c == '/' && i + 1 < dax.Length && dax[i + 1] == '/')
            {
                i = dax.IndexOf('\n', i) is var nl and >= 0 ? nl : dax.Length;
            }
            else if (c == '/' && i + 1 < dax.Length && dax[i + 1] == '*')
            {
                i = dax.IndexOf("*/", i + 2, StringComparison.Ordinal) + 1;
            }
            else if (c == '/')
            {
                Assert.Fail($"{where}: divides with '/' (use DIVIDE): {dax}");
            }
            else if (c == '\'')
            {
                var end = i + 1;
                var name = new StringBuilder();
                while (dax[end] != '\'' || (end + 1 < dax.Length && dax[end + 1] == '\''))
                {
                    name.Append(dax[end]);
                    end += dax[end] == '\'' ? 2 : 1;
                }

                Assert.True(end + 1 < dax.Length && dax[end + 1] == '[', $"{where}: a quoted table with no column");
                var close = dax.IndexOf(']', end + 2);
                refs.Add(new DaxReference(name.ToString(), dax[(end + 2)..close]));
                i = close;
            }
            else if (c == '[')
            {
                var close = dax.IndexOf(']', i);
                var name = dax[(i + 1)..close];
                // [@x] is a column an ADDCOLUMNS in the same expression makes.
                Assert.True(!name.StartsWith('@') || dax.Contains($"\"{name}\"", StringComparison.Ordinal), $"{where}: [{name}] is not added by ADDCOLUMNS");
                if (!name.StartsWith('@'))
                {
                    refs.Add(new DaxReference(null, name));
                }

                i = close;
            }
            else if (char.IsLetter(c) || c == '_')
            {
                var end = i;
                while (end < dax.Length && (char.IsLetterOrDigit(dax[end]) || dax[end] == '_' || dax[end] == '.'))
                {
                    end++;
                }

                var word = dax[i..end];
                var next = end < dax.Length ? dax[end] : ' ';
                if (next == '[')
                {
                    var close = dax.IndexOf(']', end);
                    refs.Add(new DaxReference(word, dax[(end + 1)..close]));
                    end = close + 1;
                }
                else if (next == '(')
                {
                    Assert.True(DaxFunctions.Contains(word, StringComparer.OrdinalIgnoreCase), $"{where}: {word}( is not a DAX function the template uses");
                }
                else
                {
                    if (i >= 4 && dax[(i - 4)..i] == "VAR ")
                    {
                        vars.Add(word);
                    }
                    else
                    {
                        Assert.True(vars.Contains(word) || tables.Contains(word) || DaxWords.Contains(word, StringComparer.OrdinalIgnoreCase), $"{where}: '{word}' is not a table, a VAR or a DAX keyword");
                    }
                }

                i = end - 1;
            }
        }

        return refs;
    }
}
