using System.CommandLine;
using System.Globalization;
using KpiFunctions.Pipeline;
using KpiFunctions.Pipeline.Reference;
using Spectre.Console;

namespace KpiFunctions.Cli.Commands;

/// <summary><c>kpi costs import</c>: the seller's unit costs, which margin needs and no source gives.</summary>
internal static class CostsCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("costs", "The seller's unit costs per SKU (for cogs and gross margin).");
        var file = CommonOptions.InputFile("CSV with the columns store_id, sku_id, unit_cost, currency, valid_from (see docs/costs.sample.csv).", "a CSV file of unit costs, like docs/costs.sample.csv");
        var dataDir = CommonOptions.DataDir();
        var storageOption = CommonOptions.Storage();
        var import = new Command("import", "Add unit costs from a CSV file, replacing a SKU's entry for the same day; every line is checked before any is written.") { file, dataDir, storageOption };
        import.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            IReadOnlyDictionary<string, int> counts;
            string location;
            try
            {
                // The file is read and checked before any storage is opened.
                var costs = UnitCostImport.Read(await File.ReadAllBytesAsync(path.FullName, ct), path.Name);
                var storage = KpiStorage.Open(CommonOptions.ResolveStorage(parse.GetValue(storageOption), context), CommonOptions.ResolveDataDir(parse.GetValue(dataDir), context), context.Time);
                await storage.EnsureTablesAsync(ct);
                counts = await new UnitCostImport(storage).ImportAsync(costs, path.Name, ct);
                location = storage.Location;
            }
            catch (InvalidDataException ex)
            {
                // A bad input file is the caller's mistake (exit 2), not corrupt stored data (exit 1).
                throw new ArgumentException(ex.Message, ex);
            }

            context.Console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                $"Imported unit costs into {Markup.Escape(location)}: {Markup.Escape(string.Join(", ", counts.Select(c => $"{c.Key} {c.Value} entries")))}."));
            return ExitCodes.Ok;
        });
        command.Subcommands.Add(import);
        return command;
    }
}
