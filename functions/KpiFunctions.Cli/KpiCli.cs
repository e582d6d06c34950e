using System.CommandLine;
using System.CommandLine.Parsing;
using KpiFunctions.Cli.Commands;
using Spectre.Console;

namespace KpiFunctions.Cli;

/// <summary>The kpi command line: builds the commands and turns errors into messages and exit codes.</summary>
public static class KpiCli
{
    /// <summary>Builds the command tree.</summary>
    public static RootCommand Build(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var root = new RootCommand("KpiFunctions: TikTok Shop store KPIs, fetched, curated and computed every night.");
        root.Options.Add(CommonOptions.Verbose());
        root.Subcommands.Add(RunCommand.Create(context));
        root.Subcommands.Add(KpisCommand.Create(context));
        root.Subcommands.Add(RunsCommand.Create(context));
        root.Subcommands.Add(StoresCommand.Create(context));
        root.Subcommands.Add(CostsCommand.Create(context));
        root.Subcommands.Add(ReportCommand.Create(context));
        root.Subcommands.Add(CatalogCommand.Create(context));
        root.Subcommands.Add(PowerBiCommand.Create(context));
        root.Subcommands.Add(FakeTikTokCommand.Create(context));
        return root;
    }

    /// <summary>Parses and runs; returns 0 (done), 1 (failed) or 2 (bad usage).</summary>
    public static async Task<int> InvokeAsync(string[] args, CliContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        var console = context.Console;
        var root = Build(context);
        var parse = root.Parse(args);
        var verbose = args.Contains("--verbose", StringComparer.Ordinal);
        if (parse.Errors.Count > 0)
        {
            Error(console, string.Join(" ", parse.Errors.Select(e => e.Message)) + $" ({HelpCommand(parse.CommandResult)} shows the options)");
            return ExitCodes.BadUsage;
        }

        try
        {
            var writer = console.Profile.Out.Writer;
            return await parse.InvokeAsync(new InvocationConfiguration { Output = writer, Error = writer, EnableDefaultExceptionHandler = false }, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            console.MarkupLine("[yellow]cancelled[/]");
            return ExitCodes.Failed;
        }
        catch (Exception ex) when (ex is ArgumentException or FileNotFoundException or DirectoryNotFoundException or NotSupportedException)
        {
            // The caller's mistake: the message says what to fix; a stack trace would not help.
            Report(console, ex, verbose, hint: null);
            return ExitCodes.BadUsage;
        }
        catch (Exception ex)
        {
            Report(console, ex, verbose, hint: " (--verbose shows the details)");
            return ExitCodes.Failed;
        }
    }

    /// <summary>An exception's message without the " (Parameter 'name')" an <see cref="ArgumentException"/> adds for developers.</summary>
    internal static string MessageOf(Exception ex) =>
        ex is ArgumentException { ParamName: { } name }
            ? ex.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal)
            : ex.Message;

    private static void Report(IAnsiConsole console, Exception ex, bool verbose, string? hint)
    {
        Error(console, MessageOf(ex) + (verbose ? "" : hint));
        if (verbose)
        {
            console.WriteLine(ex.ToString());
        }
    }

    /// <summary>
    /// Writes an error as one line, however long: past Spectre's layout, which would break it at the console's width,
    /// so a script reads the whole message from the first line and a terminal wraps it.
    /// </summary>
    private static void Error(IAnsiConsole console, string message)
    {
        console.Markup("[red]error:[/] ");
        console.Profile.Out.Writer.WriteLine(message.ReplaceLineEndings(" "));
    }

    /// <summary>"kpi run --help" for the command the parse reached.</summary>
    private static string HelpCommand(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? r = result; r is CommandResult c; r = c.Parent)
        {
            names.Insert(0, c.Command is RootCommand ? "kpi" : c.Command.Name);
        }

        return string.Join(' ', names) + " --help";
    }
}
