using System.Globalization;

namespace KpiFunctions.Bench;

/// <summary>
/// order_lines-shaped rows made from the row number alone, by the same formulas in C# and in DuckDB SQL, so both
/// writers write the same data.
/// </summary>
internal static class OrderLinesData
{
    public static string Sql(long rows) => $"""
        SELECT 'store-' || (i % 12) AS store_id,
               'o' || (i // 2) AS order_id,
               'o' || (i // 2) || '-' || (i % 2) AS line_id,
               'sku' || ((i * 7919) % 5000) AS sku_id,
               'p' || (((i * 7919) % 5000) // 3) AS product_id,
               'Product ' || (((i * 7919) % 5000) // 3) AS product_name,
               (1 + i % 3)::INTEGER AS quantity,
               CAST(((i * 37) % 10000) / 100.0 AS DECIMAL(18,4)) AS sale_price,
               CAST(((i * 37) % 10000) / 100.0 + (i % 5) AS DECIMAL(18,4)) AS original_price
        FROM range({rows.ToString(CultureInfo.InvariantCulture)}) t(i)
        """;

    public static string StoreId(long i) => "store-" + (i % 12).ToString(CultureInfo.InvariantCulture);

    public static string OrderId(long i) => "o" + (i / 2).ToString(CultureInfo.InvariantCulture);

    public static string LineId(long i) => "o" + (i / 2).ToString(CultureInfo.InvariantCulture) + "-" + (i % 2).ToString(CultureInfo.InvariantCulture);

    public static long Sku(long i) => i * 7919 % 5000;

    public static string SkuId(long i) => "sku" + Sku(i).ToString(CultureInfo.InvariantCulture);

    public static string ProductId(long i) => "p" + (Sku(i) / 3).ToString(CultureInfo.InvariantCulture);

    public static string ProductName(long i) => "Product " + (Sku(i) / 3).ToString(CultureInfo.InvariantCulture);

    public static int Quantity(long i) => (int)(1 + (i % 3));

    public static decimal SalePrice(long i) => i * 37 % 10000 / 100m;

    public static decimal OriginalPrice(long i) => SalePrice(i) + (i % 5);
}
