using System.Text;
using System.Text.RegularExpressions;

namespace KpiFunctions.App.Tests;

/// <summary>
/// Just enough reading of Bicep for the infra tests, with no compiler to hand: comments and strings told apart from
/// code, bracket balance, and the declarations the tests look at (vars holding arrays and objects, params, modules
/// with their params, resource types and API versions). It reads the subset of Bicep our files are written in.
/// </summary>
internal sealed partial class BicepText(string path)
{
    public string Path { get; } = path;

    public string Text { get; } = File.ReadAllText(path);

    /// <summary>The text with comments blanked out (strings kept), so code patterns never match inside a comment.</summary>
    public string Code => _code ??= StripComments(Text);

    private string? _code;

    /// <summary>The first unbalanced bracket, or null: (), [] and {} outside strings and comments.</summary>
    public string? Unbalanced()
    {
        var stack = new Stack<(char Open, int Line)>();
        var line = 1;
        var inString = false;
        var code = Code;
        for (var i = 0; i < code.Length; i++)
        {
            var c = code[i];
            if (c == '\n')
            {
                line++;
            }

            if (inString)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '\'')
                {
                    inString = false;
                }

                continue;
            }

            switch (c)
            {
                case '\'':
                    inString = true;
                    break;
                case '(' or '[' or '{':
                    stack.Push((c, line));
                    break;
                case ')' or ']' or '}':
                    var want = c switch { ')' => '(', ']' => '[', _ => '{' };
                    if (stack.Count == 0 || stack.Pop().Open != want)
                    {
                        return $"{Path}:{line}: '{c}' closes nothing open";
                    }

                    break;
            }
        }

        return inString ? $"{Path}: a string is never closed" : stack.Count > 0 ? $"{Path}:{stack.Peek().Line}: '{stack.Peek().Open}' is never closed" : null;
    }

    /// <summary>The string items of <c>var name = [ ... ]</c>.</summary>
    public IReadOnlyList<string> ArrayVar(string name)
    {
        var match = Regex.Match(Code, $@"^var {name} = \[(?<items>[^\]]*)\]", RegexOptions.Multiline);
        Assert.True(match.Success, $"{Path} has no array var '{name}'");
        return [.. StringItem().Matches(match.Groups["items"].Value).Select(m => m.Groups[1].Value)];
    }

    /// <summary>The entries of <c>var name = { key: value ... }</c> (one per line, values as written).</summary>
    public IReadOnlyDictionary<string, string> ObjectVar(string name)
    {
        var match = Regex.Match(Code, $@"^var {name} = \{{(?<body>.*?)^\}}", RegexOptions.Multiline | RegexOptions.Singleline);
        Assert.True(match.Success, $"{Path} has no object var '{name}'");
        return match.Groups["body"].Value.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0)
            .Select(l => l.Split(':', 2))
            .ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.Ordinal);
    }

    /// <summary>The params: name, and whether it has a default.</summary>
    public IReadOnlyDictionary<string, bool> Params() =>
        ParamDeclaration().Matches(Code).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["default"].Success, StringComparer.Ordinal);

    /// <summary>Every module: its file (relative to this one) and the param names it is given.</summary>
    public IReadOnlyList<(string File, IReadOnlyList<string> Params)> Modules()
    {
        var modules = new List<(string, IReadOnlyList<string>)>();
        foreach (Match m in ModuleDeclaration().Matches(Code))
        {
            var start = Code.IndexOf("params: {", m.Index, StringComparison.Ordinal);
            var end = Code.IndexOf("\n  }", start, StringComparison.Ordinal);
            var names = Code[(start + "params: {".Length)..end].Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).Select(l => l.Split(':')[0].Trim()).ToArray();
            modules.Add((m.Groups["file"].Value, names));
        }

        return modules;
    }

    /// <summary>Every resource type used, with its API version.</summary>
    public IReadOnlyList<string> ResourceTypes() => [.. ResourceDeclaration().Matches(Code).Select(m => m.Groups["type"].Value)];

    /// <summary>The optional settings listed in comments as <c>// optional: A, B (why), C</c>.</summary>
    public IReadOnlyList<string> OptionalSettings() =>
        [.. Text.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("//   optional:", StringComparison.Ordinal))
            .SelectMany(l => SettingName().Matches(Regex.Replace(l["//   optional:".Length..], @"\([^)]*\)", ""))).Select(m => m.Value)];

    private static string StripComments(string text)
    {
        var result = new StringBuilder(text.Length);
        var inString = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (inString)
            {
                result.Append(c);
                if (c == '\\' && i + 1 < text.Length)
                {
                    result.Append(text[++i]);
                }
                else if (c == '\'')
                {
                    inString = false;
                }

                continue;
            }

            if (c == '/' && i + 1 < text.Length && text[i + 1] == '/')
            {
                while (i < text.Length && text[i] != '\n')
                {
                    i++;
                }

                result.Append('\n');
                continue;
            }

            inString = c == '\'';
            result.Append(c);
        }

        return result.ToString();
    }

    [GeneratedRegex(@"'([^']*)'")]
    private static partial Regex StringItem();

    [GeneratedRegex(@"^param (?<name>\w+) \w+(?<default> =)?", RegexOptions.Multiline)]
    private static partial Regex ParamDeclaration();

    [GeneratedRegex(@"^module \w+ '(?<file>[^']+)'", RegexOptions.Multiline)]
    private static partial Regex ModuleDeclaration();

    [GeneratedRegex(@"^resource \w+ '(?<type>[^']+)'", RegexOptions.Multiline)]
    private static partial Regex ResourceDeclaration();

    [GeneratedRegex(@"[A-Za-z][A-Za-z0-9_]*")]
    private static partial Regex SettingName();
}
