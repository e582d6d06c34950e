using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;
using KpiFunctions.Core.Calendar;
using KpiFunctions.Core.Domain;

namespace KpiFunctions.Pipeline.Reference;

/// <summary>
/// The seller's unit costs as a CSV file (UTF-8, comma-separated, a header row): <c>store_id, sku_id, unit_cost,
/// currency, valid_from</c>. A cost applies from <c>valid_from</c> (yyyy-MM-dd, store-local) until the SKU's next entry.
/// Numbers use a dot for decimals and no thousands separator.
/// </summary>
public static class UnitCostFile
{
    /// <summary>The columns, in the order <see cref="Write"/> gives them.</summary>
    public static readonly IReadOnlyList<string> Columns = ["store_id", "sku_id", "unit_cost", "currency", "valid_from"];

    /// <summary>
    /// Reads the costs, each with its line number. Every problem of the file is collected (a line, its column and why),
    /// not only the first: a file with problems gives no costs, so nothing of it can be written.
    /// </summary>
    public static (IReadOnlyList<(int Line, ProductCost Cost)> Costs, IReadOnlyList<string> Problems) Parse(byte[] bytes, string name)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        string text;
        try
        {
            text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            var line = bytes.AsSpan(0, Math.Clamp(ex.Index, 0, bytes.Length)).Count((byte)'\n') + 1;
            return ([], [string.Create(CultureInfo.InvariantCulture, $"{name} is not UTF-8 (line {line}); save it as 'CSV UTF-8'")]);
        }

        var problems = new List<string>();
        var costs = new List<(int, ProductCost)>();
        using var csv = new CsvReader(new StringReader(text.TrimStart('\uFEFF')), new CsvConfiguration(CultureInfo.InvariantCulture) { TrimOptions = TrimOptions.Trim, BadDataFound = null });
        if (!csv.Read() || !csv.ReadHeader() || csv.HeaderRecord is not { } header)
        {
            return ([], [$"{name} is empty; its first row names the columns {string.Join(", ", Columns)}"]);
        }

        var missing = Columns.Where(c => !header.Contains(c, StringComparer.OrdinalIgnoreCase)).ToList();
        var unknown = header.Where(h => !Columns.Contains(h, StringComparer.OrdinalIgnoreCase)).ToList();
        if (missing.Count > 0 || unknown.Count > 0)
        {
            return ([], [$"{name}: the header must name {string.Join(", ", Columns)}" + (missing.Count > 0 ? $"; missing {string.Join(", ", missing)}" : "") + (unknown.Count > 0 ? $"; unknown {string.Join(", ", unknown)}" : "")]);
        }

        int Index(string column) => Array.FindIndex(header, h => string.Equals(h, column, StringComparison.OrdinalIgnoreCase));
        var (store, sku, cost, currency, from) = (Index("store_id"), Index("sku_id"), Index("unit_cost"), Index("currency"), Index("valid_from"));
        while (csv.Read())
        {
            var line = csv.Parser.RawRow;
            var fields = csv.Parser.Record ?? [];
            if (fields.All(string.IsNullOrWhiteSpace))
            {
                continue;
            }

            var rowProblems = new List<string>();
            if (fields.Length != header.Length)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{name} line {line}: {fields.Length} fields, the header has {header.Length}"));
                continue;
            }

            var unitCost = decimal.TryParse(fields[cost], NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var c) ? c : (decimal?)null;
            if (unitCost is null)
            {
                rowProblems.Add($"unit_cost '{fields[cost]}' is not a number (use a dot for decimals, e.g. 12.50)");
            }

            var validFrom = StoreCalendar.TryParse(fields[from], out var d) ? d : (DateOnly?)null;
            if (validFrom is null)
            {
                rowProblems.Add($"valid_from '{fields[from]}' is not a date; use yyyy-MM-dd");
            }

            foreach (var (index, column) in new[] { (store, "store_id"), (sku, "sku_id"), (currency, "currency") })
            {
                if (string.IsNullOrWhiteSpace(fields[index]))
                {
                    rowProblems.Add($"{column} is empty");
                }
            }

            if (rowProblems.Count > 0)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{name} line {line}: {string.Join("; ", rowProblems)}"));
                continue;
            }

            costs.Add((line, new ProductCost(fields[store], fields[sku], unitCost!.Value, fields[currency].ToUpperInvariant(), validFrom!.Value)));
        }

        return problems.Count > 0 ? ([], problems) : (costs, []);
    }

    /// <summary>The costs as the file <see cref="Parse"/> reads.</summary>
    public static byte[] Write(IEnumerable<ProductCost> costs)
    {
        ArgumentNullException.ThrowIfNull(costs);
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = new CsvWriter(output, CultureInfo.InvariantCulture))
        {
            foreach (var column in Columns)
            {
                csv.WriteField(column);
            }

            csv.NextRecord();
            foreach (var c in costs)
            {
                csv.WriteField(c.StoreId);
                csv.WriteField(c.SkuId);
                csv.WriteField(c.UnitCost.ToString(CultureInfo.InvariantCulture));
                csv.WriteField(c.Currency);
                csv.WriteField(StoreCalendar.Format(c.EffectiveFrom));
                csv.NextRecord();
            }
        }

        return Encoding.UTF8.GetBytes(output.ToString());
    }
}
