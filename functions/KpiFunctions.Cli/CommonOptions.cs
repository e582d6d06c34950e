using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using KpiFunctions.Core.Calendar;
using KpiFunctions.Core.Validation;
using KpiFunctions.Storage.Azure;

namespace KpiFunctions.Cli;

/// <summary>
/// Options several commands share, and the builders every option with a value is made with: each parses and checks
/// its value, so a bad one is a parse error of one line, "&lt;option&gt; '&lt;value&gt;' is …; allowed: …".
/// </summary>
internal static class CommonOptions
{
    /// <summary>Default data folder of the embedded storage.</summary>
    public const string DefaultDataDir = ".kpi-data";

    public static Option<string?> DataDir() => new("--data-dir")
    {
        Description = $"Folder of the embedded storage (blobs/ and tables.db). Default: $KPI_DATA_DIR or ./{DefaultDataDir}",
        CustomParser = result => Folder(result, "--data-dir"),
    };

    public static Option<StorageAccount?> Storage() => new("--storage")
    {
        Description = "Azure Storage connection string (e.g. \"UseDevelopmentStorage=true\" for Azurite). Default: $KPI_STORAGE, or identity-based $KPI_STORAGE__accountName (Microsoft Entra ID), or the embedded folder store.",
        CustomParser = result =>
        {
            // The value is never echoed: it may hold an account key or a SAS token.
            try
            {
                return StorageAccount.Parse(Value(result));
            }
            catch (ArgumentException ex)
            {
                return Error<StorageAccount?>(result, Value(result).Trim().Length == 0
                    ? "--storage is empty; allowed: a connection string, e.g. UseDevelopmentStorage=true for Azurite."
                    : $"--storage is not a usable connection string: {KpiCli.MessageOf(ex)}");
            }
        },
    };

    /// <summary>The --storage account, else the KPI_STORAGE setting (connection string or identity-based), else null (embedded).</summary>
    public static StorageAccount? ResolveStorage(StorageAccount? option, CliContext context) =>
        option ?? StorageAccount.FromSettings("KPI_STORAGE", context.GetEnvironment);

    public static Option<bool> Verbose() => new("--verbose")
    {
        Description = "Show stack traces of errors.",
        Recursive = true,
    };

    public static Option<DateOnly?> Date(string name, string description) => new(name)
    {
        Description = description + " (yyyy-MM-dd)",
        CustomParser = result => StoreCalendar.TryParse(Value(result), out var date)
            ? date
            : Error<DateOnly?>(result, $"{name} '{Value(result)}' is not a date; allowed: yyyy-MM-dd, e.g. 2026-11-01."),
    };

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>, <paramref name="defaultValue"/> when not given.</summary>
    public static Option<int> WholeNumber(string name, string description, int min, int max, int defaultValue) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result => ParseWholeNumber(result, name, min, max),
    };

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>, null when not given.</summary>
    public static Option<int?> OptionalWholeNumber(string name, string description, int min, int max) => new(name)
    {
        Description = description,
        CustomParser = result => ParseWholeNumber(result, name, min, max),
    };

    /// <summary>A finite number of 0 or more (0 when not given).</summary>
    public static Option<double> NonNegativeNumber(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result =>
        {
            var text = Value(result);
            return !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value)
                ? Error<double>(result, $"{name} '{text}' is not a number; allowed: 0 or more, e.g. 2.5.")
                : value < 0 ? Error<double>(result, $"{name} '{text}' is out of range; allowed: 0 or more, e.g. 2.5.") : value;
        },
    };

    /// <summary>One of <paramref name="values"/> (the first when not given), offered as completions.</summary>
    public static Option<string> Choice(string name, string description, params string[] values)
    {
        var option = new Option<string>(name)
        {
            Description = description,
            DefaultValueFactory = _ => values[0],
            CustomParser = result => values.Contains(Value(result), StringComparer.Ordinal)
                ? Value(result)
                : Error<string>(result, $"{name} '{Value(result)}' is not a choice; allowed: {string.Join(", ", values)}."),
        };
        option.CompletionSources.Add(values);
        return option;
    }

    /// <summary>A store id (the registry's rule: lower-case letters, digits and '-').</summary>
    public static Option<string?> StoreId(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result => CheckStoreId(result, name, Value(result)),
    };

    /// <summary>Store ids, repeated or several after the option.</summary>
    public static Option<string[]> StoreIds(string name, string description) => new(name)
    {
        Description = description,
        AllowMultipleArgumentsPerToken = true,
        CustomParser = result => [.. result.Tokens.Select(token => CheckStoreId(result, name, token.Value)!)],
    };

    /// <summary>The <c>&lt;file&gt;</c> argument of an import: a file that exists; <paramref name="allowed"/> says what it holds.</summary>
    public static Argument<FileInfo> InputFile(string description, string allowed) => new("file")
    {
        Description = description,
        CustomParser = result =>
        {
            var path = Value(result);
            return File.Exists(path) ? new FileInfo(path)
                : Error<FileInfo>(result, $"<file> '{path}' {(Directory.Exists(path) ? "is a folder" : "does not exist")}; allowed: {allowed}.");
        },
    };

    /// <summary>A folder, created when missing: not empty and not an existing file.</summary>
    public static string? Folder(ArgumentResult result, string name)
    {
        var text = Value(result);
        return text.Trim().Length == 0 ? Error<string?>(result, $"{name} is empty; allowed: a folder (created if missing).")
            : File.Exists(text) ? Error<string?>(result, $"{name} '{text}' is a file; allowed: a folder (created if missing).")
            : text;
    }

    /// <summary>Adds <paramref name="message"/> as the parse error of <paramref name="result"/>; returns the type's default.</summary>
    public static T Error<T>(ArgumentResult result, string message)
    {
        result.AddError(message);
        return default!;
    }

    /// <summary>The token an option or argument of one value was given.</summary>
    public static string Value(ArgumentResult result) => result.Tokens.Count > 0 ? result.Tokens[0].Value : "";

    public static string ResolveDataDir(string? option, CliContext context) =>
        option ?? context.GetEnvironment("KPI_DATA_DIR") ?? DefaultDataDir;

    private static int ParseWholeNumber(ArgumentResult result, string name, int min, int max)
    {
        var text = Value(result);
        var allowed = min == int.MinValue && max == int.MaxValue
            ? string.Create(CultureInfo.InvariantCulture, $"a whole number from {min} to {max}")
            : string.Create(CultureInfo.InvariantCulture, $"{min}-{max}");
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        // Digits that do not fit an int are out of range too, not "not a number".
        var digits = text.TrimStart('-', '+');
        return Error<int>(result, digits.Length > 0 && digits.All(char.IsAsciiDigit)
            ? $"{name} '{text}' is out of range; allowed: {allowed}."
            : $"{name} '{text}' is not a whole number; allowed: {allowed}.");
    }

    private static string? CheckStoreId(ArgumentResult result, string name, string id) =>
        StoreValidator.IsValidId(id) ? id : Error<string?>(result, $"{name} '{id}' is not a store id; allowed: 1-64 lower-case letters, digits and '-'.");
}
