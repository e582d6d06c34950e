using System.CommandLine;
using KpiFunctions.Core.Catalog;
using KpiFunctions.Pipeline.PowerBi;
using Spectre.Console;

namespace KpiFunctions.Cli.Commands;

/// <summary><c>kpi powerbi generate</c>: writes the Power BI project (TMDL model and PBIR report) from the catalog.</summary>
internal static class PowerBiCommand
{
    public static Command Create(CliContext context)
    {
        var output = new Option<DirectoryInfo>("--out")
        {
            Description = "Folder to write the project to (the repository's powerbi/).",
            DefaultValueFactory = _ => new DirectoryInfo("powerbi"),
            CustomParser = result => CommonOptions.Folder(result, "--out") is { } path ? new DirectoryInfo(path) : null,
        };
        var check = new Option<bool>("--check") { Description = "Write nothing; fail when the folder differs from what the catalog generates." };
        var generate = new Command("generate", "Generate the Power BI template (ShopKpi.pbip, its semantic model and report) from the KPI catalog and the semantic tables.") { output, check };
        generate.SetAction(async (parse, cancellationToken) =>
        {
            var directory = parse.GetValue(output)!.FullName;
            if (parse.GetValue(check))
            {
                var stale = PbipTemplate.Differences(directory, KpiCatalog.Default);
                foreach (var path in stale)
                {
                    context.Console.MarkupLine($"[red]out of date:[/] {Markup.Escape(path)}");
                }

                context.Console.MarkupLine(stale.Count == 0 ? "The Power BI template is up to date." : $"{stale.Count} files are out of date; run [bold]kpi powerbi generate[/] from the repository root.");
                return stale.Count == 0 ? ExitCodes.Ok : ExitCodes.Failed;
            }

            var changed = await PbipTemplate.WriteAsync(directory, KpiCatalog.Default, cancellationToken).ConfigureAwait(false);
            foreach (var path in changed)
            {
                context.Console.MarkupLine($"wrote {Markup.Escape(path)}");
            }

            context.Console.MarkupLine($"Power BI template in {Markup.Escape(directory)}: {changed.Count} files changed.");
            return ExitCodes.Ok;
        });
        return new Command("powerbi", "The Power BI template HQ opens.") { generate };
    }
}
