using System.CommandLine;
using KpiFunctions.Core.Calendar;
using KpiFunctions.Storage.Azure;

namespace KpiFunctions.Cli;

/// <summary>Options several commands share.</summary>
internal static class CommonOptions
{
    /// <summary>Default data folder of the embedded storage.</summary>
    public const string DefaultDataDir = ".kpi-data";

    public static Option<string?> DataDir() => new("--data-dir")
    {
        Description = $"Folder of the embedded storage (blobs/ and tables.db). Default: $KPI_DATA_DIR or ./{DefaultDataDir}",
    };

    public static Option<string?> Storage() => new("--storage")
    {
        Description = "Azure Storage connection string (e.g. \"UseDevelopmentStorage=true\" for Azurite). Default: $KPI_STORAGE, or identity-based $KPI_STORAGE__accountName (Microsoft Entra ID), or the embedded folder store.",
    };

    /// <summary>The --storage connection string, else the KPI_STORAGE setting (connection string or identity-based), else null (embedded).</summary>
    public static StorageAccount? ResolveStorage(string? option, CliContext context) =>
        option is { Length: > 0 } ? StorageAccount.Parse(option) : StorageAccount.FromSettings("KPI_STORAGE", context.GetEnvironment);

    public static Option<bool> Verbose() => new("--verbose")
    {
        Description = "Show stack traces of errors.",
        Recursive = true,
    };

    public static Option<string?> Date(string name, string description)
    {
        var option = new Option<string?>(name) { Description = description + " (yyyy-MM-dd)" };
        option.Validators.Add(result =>
        {
            var text = result.GetValueOrDefault<string?>();
            if (text is not null && !StoreCalendar.TryParse(text, out _))
            {
                result.AddError($"{name} '{text}' is not a date; use yyyy-MM-dd, e.g. 2026-11-01.");
            }
        });
        return option;
    }

    public static DateOnly? ParseDate(string? text) => text is null ? null : StoreCalendar.TryParse(text, out var d) ? d : null;

    public static string ResolveDataDir(string? option, CliContext context) =>
        option ?? context.GetEnvironment("KPI_DATA_DIR") ?? DefaultDataDir;
}
