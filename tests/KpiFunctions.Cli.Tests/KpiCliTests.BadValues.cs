using System.CommandLine;
using System.CommandLine.Help;
using KpiFunctions.Tests.Shared;

namespace KpiFunctions.Cli.Tests;

public sealed partial class KpiCliTests
{
    [Fact]
    public async Task Every_option_and_argument_given_a_bad_value_exits_2_with_one_line_naming_it()
    {
        var data = Path.Combine(_dir.Path, "data");
        var file = Path.Combine(_dir.Path, "a-file.txt");
        await File.WriteAllTextAsync(file, "not a folder");
        string[] badDate = ["2026-13-01", "2026-11-31", "yesterday"];
        string[] badFolder = [file, ""];
        // The keys and tokens are made up (czNjcjN0 is base64 of s3cr3t); none may be echoed.
        string[] badStorage =
        [
            "", "nonsense", "AccountName=kpiprod", "AccountName=kpiprod;AccountKey=s3cr3t!notbase64", "AccountName=kpiprod;AccountKey=czNjcjN0;s3cr3tWithoutAName",
            "AccountName=kpiprod;AccountKey=czNjcjN0;BlobEndpoint=not a url", "BlobEndpoint=https://x;TableEndpoint=https://y;SharedAccessSignature=sv=s3cr3t",
        ];
        var badValues = new Dictionary<string, string[]>(StringComparer.Ordinal)
        {
            ["run --days"] = ["abc", "1.5", "0", "-1", "401", "99999999999"],
            ["run --stores"] = ["abc", "0", "121", "99999999999"],
            ["run --seed"] = ["abc", "1.5", "99999999999"],
            ["run --data-dir"] = badFolder,
            ["run --reporting-currency"] = ["", "US", "usd1", "XYZ"],
            ["run --from"] = [.. badDate, "2026-11-20", "2025-01-01"],
            ["run --to"] = [.. badDate, "2026-11-20"],
            ["run --store"] = ["nope", "UK-MAIN", "a b"],
            ["run --source"] = ["", "nosuch", "Synthetic"],
            ["run --parallel"] = ["abc", "0", "65", "99999999999"],
            ["run --storage"] = badStorage,
            ["kpis --store"] = ["", "UK-MAIN", "a b"],
            ["kpis --from"] = badDate,
            ["kpis --to"] = badDate,
            ["kpis --kpi"] = ["nope", "gmv,nope"],
            ["kpis --format"] = ["", "xml"],
            ["kpis --data-dir"] = badFolder,
            ["kpis --storage"] = badStorage,
            ["runs <runId>"] = ["a b", "x/y", new string('r', 65)],
            ["runs --max"] = ["abc", "0", "1001", "99999999999"],
            ["runs --data-dir"] = badFolder,
            ["runs --storage"] = badStorage,
            ["stores import <file>"] = [Path.Combine(_dir.Path, "none.json"), _dir.Path],
            ["stores import --data-dir"] = badFolder,
            ["stores import --storage"] = badStorage,
            ["costs import <file>"] = [Path.Combine(_dir.Path, "none.csv"), _dir.Path],
            ["costs import --data-dir"] = badFolder,
            ["costs import --storage"] = badStorage,
            ["stores list --data-dir"] = badFolder,
            ["stores list --storage"] = badStorage,
            ["powerbi generate --out"] = badFolder,
            ["report weekly --week"] = ["", "2026-48", "2026-W00", "2026-W54", "2025-W53", "2026W48", "week 48"],
            ["report weekly --data-dir"] = badFolder,
            ["report weekly --storage"] = badStorage,
            ["fake-tiktok --port"] = ["abc", "-1", "65536", "99999999999"],
            ["fake-tiktok --stores"] = ["abc", "0", "121"],
            ["fake-tiktok --seed"] = ["abc", "99999999999"],
            ["fake-tiktok --app-key"] = ["", "a b"],
            ["fake-tiktok --secrets-dir"] = badFolder,
            ["fake-tiktok --shop-limit"] = ["abc", "-1", "NaN", "1e999"],
            ["fake-tiktok --app-limit"] = ["abc", "-1", "NaN", "1e999"],
            ["fake-tiktok --latency-ms"] = ["abc", "-1", "60001"],
            ["fake-tiktok --faults"] = ["", "some"],
        };
        // What each command needs besides the value under test, so that value is all that is wrong.
        var valid = new Dictionary<string, (string Name, string? Value)[]>(StringComparer.Ordinal)
        {
            ["run"] = [("--demo", null), ("--days", "1"), ("--stores", "1"), ("--data-dir", data)],
            ["kpis"] = [("--from", "2026-11-19"), ("--data-dir", data)],
            ["runs"] = [("--data-dir", data)],
            ["stores import"] = [("<file>", Path.Combine(RepoRoot.Find(), "docs", "stores.sample.json")), ("--data-dir", data)],
            ["stores list"] = [("--data-dir", data)],
            ["costs import"] = [("<file>", Path.Combine(RepoRoot.Find(), "docs", "costs.sample.csv")), ("--data-dir", data)],
            ["powerbi generate"] = [("--out", Path.Combine(data, "powerbi")), ("--check", null)],
            ["report weekly"] = [("--week", "2026-W46"), ("--data-dir", data)],
            ["fake-tiktok"] = [("--port", "0"), ("--secrets-dir", Path.Combine(data, "secrets"))],
        };
        using var writer = new StringWriter();
        var symbols = ValueSymbols(KpiCli.Build(CliRunner.Context(writer)), "").ToArray();

        var failures = new List<string>();
        foreach (var (key, command, name) in symbols)
        {
            foreach (var bad in badValues.GetValueOrDefault(key, []))
            {
                var args = command.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
                foreach (var (other, value) in valid.GetValueOrDefault(command, []).Where(v => v.Name != name))
                {
                    args.AddRange(other.StartsWith('<') ? [value!] : value is null ? [other] : [other, value]);
                }

                args.AddRange(name.StartsWith('<') ? [bad] : [name, bad]);
                var (code, output) = await RunOrTimeOutAsync([.. args]);
                var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                if (code != ExitCodes.BadUsage || lines.Length != 1 || !lines[0].Contains(name, StringComparison.Ordinal)
                    || output.Contains("s3cr3t", StringComparison.Ordinal) || output.Contains("czNjcjN0", StringComparison.Ordinal))
                {
                    failures.Add($"kpi {string.Join(' ', args.Select(a => $"'{a}'"))} => {code}: {output}");
                }
            }
        }

        // Every option and argument with a value has bad values in the table, and the table names no other.
        Assert.Equal(badValues.Keys.Order(StringComparer.Ordinal), symbols.Select(s => s.Key).Order(StringComparer.Ordinal));
        Assert.True(failures.Count == 0, $"{failures.Count} bad values were not refused with one line naming the option:\n{string.Join("\n", failures)}");
        Assert.False(Directory.Exists(data)); // each was refused before anything was written
    }

    /// <summary>Every option and argument that takes a value: key "command path, name", the path, and the name (an argument's as &lt;name&gt;).</summary>
    private static IEnumerable<(string Key, string Command, string Name)> ValueSymbols(Command command, string path)
    {
        foreach (var option in command.Options.Where(o => o is not (HelpOption or VersionOption) && o.ValueType != typeof(bool)))
        {
            yield return ($"{path} {option.Name}".Trim(), path, option.Name);
        }

        foreach (var argument in command.Arguments)
        {
            yield return ($"{path} <{argument.Name}>".Trim(), path, $"<{argument.Name}>");
        }

        foreach (var subcommand in command.Subcommands)
        {
            foreach (var symbol in ValueSymbols(subcommand, $"{path} {subcommand.Name}".Trim()))
            {
                yield return symbol;
            }
        }
    }

    /// <summary>Runs the command; one that is not refused may run on (fake-tiktok serves until stopped), so it gets 20 s.</summary>
    private static async Task<(int ExitCode, string Output)> RunOrTimeOutAsync(string[] args)
    {
        try
        {
            return await CliRunner.RunAsync(args).WaitAsync(TimeSpan.FromSeconds(20));
        }
        catch (Exception ex)
        {
            return (-1, ex.GetType().Name + ": " + ex.Message);
        }
    }
}
