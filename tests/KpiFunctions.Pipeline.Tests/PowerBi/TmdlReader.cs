using System.Globalization;
using System.Text;

namespace KpiFunctions.Pipeline.Tests.PowerBi;

/// <summary>A TMDL object: its type, name, default expression, properties and children, as the file declares them.</summary>
internal sealed class TmdlNode
{
    public required string Type { get; init; }

    public string? Name { get; init; }

    public string? Expression { get; set; }

    public string? Description { get; init; }

    public required string Where { get; init; }

    public Dictionary<string, string> Properties { get; } = new(StringComparer.Ordinal);

    public List<TmdlNode> Children { get; } = [];

    public IEnumerable<TmdlNode> Of(string type) => Children.Where(c => c.Type == type);

    public string? this[string property] => Properties.GetValueOrDefault(property);
}

/// <summary>
/// A reader of the TMDL our template uses, written from Microsoft's TMDL overview and object reference independently of
/// the generator: tabs only, one level per child, <c>///</c> descriptions, <c>=</c> default properties and expressions
/// (bodies two levels below their declaration), <c>name: value</c> properties and bare flags; it checks each property
/// and child against what its object allows and each enum value against its enum.
/// </summary>
internal static class TmdlReader
{
    private static readonly Dictionary<string, (string[] Properties, string[] Children)> Grammar = new(StringComparer.Ordinal)
    {
        ["database"] = (["compatibilityLevel"], []),
        ["model"] = (["culture", "defaultPowerBIDataSourceVersion", "discourageImplicitMeasures", "sourceQueryCulture", "dataAccessOptions"], ["annotation"]),
        ["dataAccessOptions"] = (["legacyRedirects", "returnErrorValuesAsNull"], []),
        ["table"] = (["dataCategory", "lineageTag", "isHidden", "description"], ["column", "measure", "partition", "annotation"]),
        ["column"] = (["dataType", "isKey", "formatString", "isHidden", "lineageTag", "summarizeBy", "sourceColumn", "sortByColumn", "dataCategory", "displayFolder"], ["annotation"]),
        ["measure"] = (["formatString", "displayFolder", "isHidden", "lineageTag"], ["annotation"]),
        ["partition"] = (["mode", "source"], []),
        ["relationship"] = (["fromColumn", "toColumn", "isActive", "crossFilteringBehavior", "fromCardinality", "toCardinality"], []),
        ["expression"] = (["lineageTag"], ["annotation"]),
        ["annotation"] = ([], []),
        ["cultureInfo"] = ([], ["translations"]),
        ["translations"] = ([], ["model"]),
        ["ref"] = ([], []),
    };

    // Objects inside a culture's translations mirror the model: each may carry caption, description, displayFolder.
    private static readonly string[] TranslationProperties = ["caption", "description", "displayFolder"];

    private static readonly Dictionary<string, string[]> Enums = new(StringComparer.Ordinal)
    {
        ["dataType"] = ["string", "int64", "double", "decimal", "dateTime", "boolean", "binary", "variant", "automatic", "unknown"],
        ["summarizeBy"] = ["default", "none", "sum", "min", "max", "count", "average", "distinctCount"],
        ["mode"] = ["import", "directQuery", "dual"],
        ["crossFilteringBehavior"] = ["oneDirection", "bothDirections", "automatic"],
        ["dataCategory"] = ["Time", "City", "Country", "ImageUrl", "WebUrl", "Uncategorized"],
    };

    private static readonly string[] WithDefault = ["measure", "expression", "partition", "annotation"];

    /// <summary>Reads a file's root objects; throws naming the file and line on anything the grammar does not allow.</summary>
    public static List<TmdlNode> Read(string text, string file)
    {
        if (text.StartsWith('\uFEFF'))
        {
            throw new FormatException($"{file}: starts with a byte order mark.");
        }

        var lines = text.Split('\n');
        var roots = new List<TmdlNode>();
        var stack = new List<(int Indent, TmdlNode Node, bool InTranslations)>();
        var description = new StringBuilder();
        for (var i = 0; i < lines.Length; i++)
        {
            var raw = lines[i];
            var where = $"{file}:{i + 1}";
            if (raw.Contains('\r', StringComparison.Ordinal))
            {
                throw new FormatException($"{where}: carriage return.");
            }

            if (raw.Trim().Length == 0)
            {
                if (description.Length > 0)
                {
                    throw new FormatException($"{where}: a blank line between a /// description and its object.");
                }

                continue;
            }

            var indent = raw.Length - raw.TrimStart('\t').Length;
            var line = raw[indent..];
            if (line.StartsWith(' '))
            {
                throw new FormatException($"{where}: indented with spaces.");
            }

            if (line.StartsWith("//", StringComparison.Ordinal) && !line.StartsWith("///", StringComparison.Ordinal))
            {
                throw new FormatException($"{where}: a standalone // comment.");
            }

            while (stack.Count > 0 && stack[^1].Indent >= indent)
            {
                stack.RemoveAt(stack.Count - 1);
            }

            if (stack.Count > 0 && indent != stack[^1].Indent + 1)
            {
                throw new FormatException($"{where}: indented {indent} under a level-{stack[^1].Indent} object (one tab per level).");
            }

            if (stack.Count == 0 && indent != 0)
            {
                throw new FormatException($"{where}: indented with no object above it.");
            }

            if (line.StartsWith("///", StringComparison.Ordinal))
            {
                description.Append(description.Length > 0 ? " " : "").Append(line[3..].Trim());
                continue;
            }

            var parent = stack.Count > 0 ? stack[^1].Node : null;
            var inTranslations = stack.Count > 0 && (stack[^1].InTranslations || parent!.Type == "translations");
            var (word, rest) = Split(line);

            // A property of the parent: 'name: value', a bare flag, or 'source =' with a body.
            if (parent is not null && IsProperty(parent, word, inTranslations) && (rest.Length == 0 || rest.StartsWith(':') || (word == "source" && rest.StartsWith('='))))
            {
                if (description.Length > 0)
                {
                    throw new FormatException($"{where}: a /// description above the property {word}.");
                }

                if (word == "dataAccessOptions")
                {
                    var options = new TmdlNode { Type = word, Where = where };
                    parent.Children.Add(options);
                    stack.Add((indent, options, false));
                    continue;
                }

                if (parent.Children.Count > 0 && parent.Type != "model")
                {
                    throw new FormatException($"{where}: property {word} of {parent.Type} {parent.Name} after its child objects.");
                }

                string value;
                if (rest.StartsWith('='))
                {
                    (value, i) = Body(lines, i, indent, rest[1..].Trim(), file);
                }
                else
                {
                    value = rest.Length == 0 ? "true" : rest[1..].Trim();
                }

                if (!parent.Properties.TryAdd(word, value))
                {
                    throw new FormatException($"{where}: {word} set twice on {parent.Type} {parent.Name}.");
                }

                if (Enums.TryGetValue(word, out var allowed) && !allowed.Contains(value, StringComparer.OrdinalIgnoreCase))
                {
                    throw new FormatException($"{where}: {word} '{value}' is not one of {string.Join(", ", allowed)}.");
                }

                continue;
            }

            // An object declaration.
            var allowedChildren = parent is null
                ? ["database", "model", "table", "relationship", "expression", "cultureInfo", "ref", "annotation"]
                : inTranslations ? ["model", "table", "column", "measure", "expression"] : Grammar[parent.Type].Children;
            if (!allowedChildren.Contains(word, StringComparer.Ordinal))
            {
                throw new FormatException($"{where}: '{word}' is not allowed {(parent is null ? "at the top" : $"in {parent.Type} {parent.Name}")}.");
            }

            if (description.Length > 0 && word is "relationship" or "ref" or "annotation")
            {
                throw new FormatException($"{where}: a {word} has no description.");
            }

            string? name;
            string? expression = null;
            if (word is "ref")
            {
                name = rest.Trim();
                if (!(name.StartsWith("table ", StringComparison.Ordinal) || name.StartsWith("cultureInfo ", StringComparison.Ordinal)))
                {
                    throw new FormatException($"{where}: 'ref {name}' refers to neither a table nor a cultureInfo.");
                }
            }
            else if (word is "database" or "translations")
            {
                name = rest.Trim();
            }
            else
            {
                (name, var after) = ReadName(rest, where);
                if (after.StartsWith('='))
                {
                    if (!WithDefault.Contains(word, StringComparer.Ordinal))
                    {
                        throw new FormatException($"{where}: {word} has no default property.");
                    }

                    (expression, i) = Body(lines, i, indent, after[1..].Trim(), file);
                }
                else if (after.Length > 0)
                {
                    throw new FormatException($"{where}: unexpected '{after}' after {word} {name} (a name with spaces must be quoted).");
                }
            }

            var node = new TmdlNode { Type = word, Name = name, Expression = expression, Description = description.Length > 0 ? description.ToString() : null, Where = where };
            description.Clear();
            (parent?.Children ?? roots).Add(node);
            stack.Add((indent, node, inTranslations));
        }

        return roots;
    }

    private static bool IsProperty(TmdlNode parent, string word, bool inTranslations) =>
        inTranslations && parent.Type != "translations"
            ? TranslationProperties.Contains(word, StringComparer.Ordinal)
            : Grammar.TryGetValue(parent.Type, out var g) && g.Properties.Contains(word, StringComparer.Ordinal);

    /// <summary>An expression: the rest of the line, or the lines two levels deeper (blank lines inside kept).</summary>
    private static (string Body, int LastLine) Body(string[] lines, int at, int indent, string sameLine, string file)
    {
        if (sameLine.Length > 0)
        {
            return (sameLine, at);
        }

        var prefix = new string('\t', indent + 2);
        var body = new List<string>();
        var last = at;
        for (var j = at + 1; j < lines.Length; j++)
        {
            if (lines[j].Trim().Length == 0)
            {
                continue;
            }

            if (!lines[j].StartsWith(prefix, StringComparison.Ordinal))
            {
                break;
            }

            body.Add(lines[j][prefix.Length..]);
            last = j;
        }

        if (body.Count == 0)
        {
            throw new FormatException($"{file}:{at + 1}: '=' with no expression after it or two levels below.");
        }

        return (string.Join('\n', body), last);
    }

    private static (string Word, string Tail) Split(string line)
    {
        var end = 0;
        while (end < line.Length && (char.IsLetterOrDigit(line[end]) || line[end] == '_'))
        {
            end++;
        }

        return (line[..end], line[end..].TrimStart(' '));
    }

    /// <summary>A name, quoted ('' inside for ') or plain, and what follows it.</summary>
    private static (string Name, string After) ReadName(string rest, string where)
    {
        if (rest.StartsWith('\''))
        {
            var b = new StringBuilder();
            for (var k = 1; k < rest.Length; k++)
            {
                if (rest[k] == '\'')
                {
                    if (k + 1 < rest.Length && rest[k + 1] == '\'')
                    {
                        b.Append('\'');
                        k++;
                        continue;
                    }

                    return (b.ToString(), rest[(k + 1)..].Trim());
                }

                b.Append(rest[k]);
            }

            throw new FormatException($"{where}: unterminated quoted name.");
        }

        var end = rest.IndexOfAny([' ', '=']);
        var name = end < 0 ? rest : rest[..end];
        if (name.Length == 0 || name.Any(c => !(char.IsLetterOrDigit(c) || c is '_' or '-')))
        {
            throw new FormatException($"{where}: the name '{name}' must be quoted.");
        }

        return (name, end < 0 ? "" : rest[end..].Trim());
    }

    /// <summary>Parses an int property.</summary>
    public static int Int(TmdlNode node, string property) => int.Parse(node[property]!, CultureInfo.InvariantCulture);
}
