using KpiFunctions.Tests.Shared;
using Spectre.Console;

namespace KpiFunctions.Cli.Tests;

/// <summary>Runs the kpi command in-process on a plain, fixed-width console and captures what it prints.</summary>
internal static class CliRunner
{
    public static readonly DateTimeOffset Now = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    public static Task<(int ExitCode, string Output)> RunAsync(params string[] args) => RunWithEnvironmentAsync(new Dictionary<string, string>(), args);

    /// <summary>Runs with extra environment settings (beside the test buyer salt).</summary>
    public static async Task<(int ExitCode, string Output)> RunWithEnvironmentAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var writer = new StringWriter();
        var code = await KpiCli.InvokeAsync(args, Context(writer, environment));
        return (code, writer.ToString());
    }

    /// <summary>The context the runs get: a plain console 200 wide writing to <paramref name="writer"/>, the fixed clock, the test salt.</summary>
    public static CliContext Context(TextWriter writer, IReadOnlyDictionary<string, string>? environment = null)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 200;
        var salt = Convert.ToBase64String("cli-test-salt-0123456789"u8.ToArray());
        return new CliContext(console, new FixedTimeProvider(Now), name => name == "KPI_BUYER_HASH_SALT" ? salt : environment?.GetValueOrDefault(name));
    }
}
