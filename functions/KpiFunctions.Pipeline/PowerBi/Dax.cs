using System.Globalization;
using System.Text.RegularExpressions;
using KpiFunctions.Core.Catalog;

namespace KpiFunctions.Pipeline.PowerBi;

/// <summary>DAX text: references and the catalog's formulas. Every quotient is DIVIDE, so a zero denominator is BLANK.</summary>
public static partial class Dax
{
    /// <summary>The date table's key, which time intelligence runs on.</summary>
    public const string DateColumn = "dim_date[date]";

    /// <summary>A measure reference: <c>[Name]</c>.</summary>
    public static string Measure(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return "[" + name.Replace("]", "]]", StringComparison.Ordinal) + "]";
    }

    /// <summary>A column reference, the table quoted when it needs to be: <c>fact_store_day[gmv]</c>.</summary>
    public static string Column(string table, string column)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(column);
        var t = IsPlainName(table) ? table : "'" + table.Replace("'", "''", StringComparison.Ordinal) + "'";
        return t + "[" + column.Replace("]", "]]", StringComparison.Ordinal) + "]";
    }

    /// <summary>A decimal as a DAX literal.</summary>
    public static string Number(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// A catalog formula in DAX, each base measure through <paramref name="baseMeasure"/> (its measure name) and a
    /// month-to-date reference over the date table's month to date.
    /// </summary>
    public static string Translate(KpiExpr formula, Func<string, string> baseMeasure)
    {
        ArgumentNullException.ThrowIfNull(formula);
        ArgumentNullException.ThrowIfNull(baseMeasure);
        return Write(formula, baseMeasure, bracketSum: false);
    }

    // Brackets only where DAX precedence needs them: a sum or difference as a right operand of - or inside a product
    // (a - b - c stays flat; a - (b - c) and (a + b) * c keep theirs). Quotients are DIVIDE calls, so never need any.
    private static string Write(KpiExpr e, Func<string, string> baseMeasure, bool bracketSum) => e switch
    {
        KpiExpr.MeasureRef { MonthToDate: false } m => Measure(baseMeasure(m.MeasureId)),
        KpiExpr.MeasureRef m => $"CALCULATE({Measure(baseMeasure(m.MeasureId))}, DATESMTD({DateColumn}))",
        KpiExpr.Constant c => Number(c.Value),
        KpiExpr.Binary { Operator: '/' } b => $"DIVIDE({Write(b.Left, baseMeasure, false)}, {Write(b.Right, baseMeasure, false)})",
        KpiExpr.Binary { Operator: '*' } b => $"{Write(b.Left, baseMeasure, true)} * {Write(b.Right, baseMeasure, true)}",
        KpiExpr.Binary b when bracketSum => $"({Write(b.Left, baseMeasure, false)} {b.Operator} {Write(b.Right, baseMeasure, true)})",
        KpiExpr.Binary b => $"{Write(b.Left, baseMeasure, false)} {b.Operator} {Write(b.Right, baseMeasure, true)}",
        _ => throw new NotSupportedException($"The formula part {e.ToFormula()} has no DAX form."),
    };

    /// <summary>Letters, digits and underscores, not starting with a digit: a name DAX and TMDL take unquoted.</summary>
    internal static bool IsPlainName(string name) => PlainName().IsMatch(name);

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex PlainName();
}
