using System.CommandLine;
using KpiFunctions.Core.Catalog;
using KpiFunctions.Pipeline.Curated;

namespace KpiFunctions.Cli.Commands;

/// <summary>
/// <c>kpi catalog</c>: prints the KPI reference (or, with --datasets, the curated schemas; with --roles, the roles and
/// stages) generated from the code.
/// </summary>
internal static class CatalogCommand
{
    public static Command Create(CliContext context)
    {
        var datasets = new Option<bool>("--datasets") { Description = "Print the curated Parquet datasets' schemas instead of the KPI reference." };
        var roles = new Option<bool>("--roles") { Description = "Print the roles (their KPIs and weights) and the store stages (targets and thresholds) instead of the KPI reference." };
        var command = new Command("catalog", "Print the KPI reference (Markdown) generated from the KPI catalog; the README embeds it.") { datasets, roles };
        command.SetAction(parse =>
        {
            if (parse.GetValue(datasets) && parse.GetValue(roles))
            {
                throw new ArgumentException("Give --datasets or --roles, not both: each prints a reference of its own.");
            }

            context.Console.Profile.Out.Writer.Write(parse.GetValue(datasets)
                ? CuratedReference.Markdown(KpiCatalog.Default)
                : parse.GetValue(roles)
                    ? RoleReference.Markdown(KpiCatalog.Default)
                    : KpiReference.Markdown(KpiCatalog.Default));
            return ExitCodes.Ok;
        });
        return command;
    }
}
