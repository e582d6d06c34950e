using System.CommandLine;
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
            foreach (var error in parse.Errors)
            {
                console.MarkupLine($"[red]error:[/] {Markup.Escape(error.Message)}");
            }

            console.MarkupLine("Run [bold]kpi --help[/] (or [bold]kpi <command> --help[/]) to see the options.");
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
            Report(console, ex, verbose);
            return ExitCodes.BadUsage;
        }
        catch (Exception ex)
        {
            Report(console, ex, verbose);
            return ExitCodes.Failed;
        }
    }

    private static void Report(IAnsiConsole console, Exception ex, bool verbose)
    {
        console.MarkupLine($"[red]error:[/] {Markup.Escape(ex.Message)}");
        if (verbose)
        {
            console.WriteLine(ex.ToString());
        }
        else
        {
            console.MarkupLine("[grey](--verbose shows the details)[/]");
        }
    }
}
