using System.CommandLine;
using KpiFunctions.Pipeline;
using KpiFunctions.Pipeline.Registry;
using Spectre.Console;

namespace KpiFunctions.Cli.Commands;

/// <summary><c>kpi stores import|list</c>: the store registry.</summary>
internal static class StoresCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("stores", "Manage the store registry (KpiStores).");
        var file = CommonOptions.InputFile("JSON array of stores (see docs/stores.sample.json).", "a JSON file of stores, like docs/stores.sample.json");
        var importDir = CommonOptions.DataDir();
        var importStorage = CommonOptions.Storage();
        var import = new Command("import", "Add or replace stores from a JSON file; all are checked before any is written.") { file, importDir, importStorage };
        import.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            IReadOnlyList<Core.Domain.Store> stores;
            try
            {
                stores = StoreFile.Parse(await File.ReadAllTextAsync(path.FullName, ct), path.Name);
            }
            catch (InvalidDataException ex)
            {
                // A bad input file is the caller's mistake (exit 2), not corrupt stored data (exit 1).
                throw new ArgumentException(ex.Message, ex);
            }

            var storage = KpiStorage.Open(CommonOptions.ResolveStorage(parse.GetValue(importStorage), context), CommonOptions.ResolveDataDir(parse.GetValue(importDir), context), context.Time);
            await storage.EnsureTablesAsync(ct);
            var count = await new StoreRegistry(storage.Tables).ImportAsync(stores, ct);
            context.Console.MarkupLine($"Imported [bold]{count}[/] store(s) into {Markup.Escape(storage.Location)}.");
            context.Console.Write(Table(stores));
            return ExitCodes.Ok;
        });

        var listDir = CommonOptions.DataDir();
        var listStorage = CommonOptions.Storage();
        var list = new Command("list", "List registered stores.") { listDir, listStorage };
        list.SetAction(async (parse, ct) =>
        {
            var storage = KpiStorage.Open(CommonOptions.ResolveStorage(parse.GetValue(listStorage), context), CommonOptions.ResolveDataDir(parse.GetValue(listDir), context), context.Time);
            await storage.EnsureTablesAsync(ct);
            var stores = await new StoreRegistry(storage.Tables).ListAsync(false, ct);
            if (stores.Count == 0)
            {
                context.Console.MarkupLine("No stores registered. Import some with [bold]kpi stores import <file>[/] or run [bold]kpi run --demo[/].");
                return ExitCodes.Ok;
            }

            context.Console.Write(Table(stores));
            return ExitCodes.Ok;
        });

        command.Subcommands.Add(import);
        command.Subcommands.Add(list);
        return command;
    }

    private static Table Table(IReadOnlyList<Core.Domain.Store> stores)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var h in new[] { "Id", "Name", "Country", "Currency", "Time zone", "Enabled", "Stage", "Tags" })
        {
            table.AddColumn(h);
        }

        foreach (var s in stores)
        {
            table.AddRow(Markup.Escape(s.Id), Markup.Escape(s.Name), s.Country, s.Currency, Markup.Escape(s.TimeZone), s.Enabled ? "yes" : "[grey]no[/]", s.Stage, Markup.Escape(string.Join(", ", s.Tags ?? [])));
        }

        return table;
    }
}
