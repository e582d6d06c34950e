using System.CommandLine;
using KpiFunctions.Core.Catalog;

namespace KpiFunctions.Cli.Commands;

/// <summary><c>kpi catalog</c>: prints the KPI reference generated from the catalog (the README's table).</summary>
internal static class CatalogCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("catalog", "Print the KPI reference (Markdown) generated from the KPI catalog.");
        command.SetAction(_ =>
        {
            context.Console.Profile.Out.Writer.Write(KpiReference.Markdown(KpiCatalog.Default));
            return ExitCodes.Ok;
        });
        return command;
    }
}
