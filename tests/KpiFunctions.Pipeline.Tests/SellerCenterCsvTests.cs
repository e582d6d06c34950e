using System.Text;
using KpiFunctions.Core.Catalog;
using KpiFunctions.Core.Privacy;
using KpiFunctions.Pipeline.Kpis;
using KpiFunctions.Pipeline.Runs;
using KpiFunctions.Pipeline.Steps;
using KpiFunctions.Sources.SellerCenter;

namespace KpiFunctions.Pipeline.Tests;

/// <summary>Seller Center order exports dropped in inbox/&lt;store&gt;/, through the whole pipeline.</summary>
public sealed class SellerCenterCsvTests
{
    private const string Header = "Order ID,Order Status,Created Time,Paid Time,Buyer Username,Recipient,Phone #,Email,SKU ID,Product ID,Product Name,Quantity,SKU Unit Original Price,SKU Unit Sale Price,Shipping Fee,Platform Discount,Taxes,Order Amount,Is Sample";
    private const string Pii = "Plantedname Buyerson,+44 7700 900123,planted@example.com";
    private static readonly DateOnly Day1 = new(2026, 11, 17);
    private static readonly DateOnly Day2 = new(2026, 11, 18);

    [Fact]
    public async Task Good_rows_become_orders_bad_rows_are_quarantined_with_reasons_and_the_file_is_archived()
    {
        using var h = new Harness(1);
        var store = h.Stores[0]; // uk-main, Europe/London (UTC in November)
        await h.SeedAsync(Day1, Day2.AddDays(1));
        var csv = string.Join("\n",
            Header,
            $"O1,Completed,2026-11-17 10:00:00,2026-11-17 10:05:00,alice,{Pii},S1,P1,Mug,2,12.50,10.00,3.00,1.00,0.50,27.50,",         // lines 25 - 1 + 3 + 0.5 = 27.5
            $"O1,Completed,2026-11-17 10:00:00,2026-11-17 10:05:00,alice,{Pii},S2,P2,Spoon,1,5.00,5.00,3.00,1.00,0.50,27.50,",      // same order, second line
            $"O2,Completed,2026-11-17 11:00:00,2026-11-17 11:01:00,bob,{Pii},S1,P1,Mug,1,12.50,0.00,0.00,0.00,0.00,0.00,yes",       // sample: kept, no GMV
            $"O3,Cancelled,2026-11-18 09:00:00,2026-11-18 09:02:00,carol,{Pii},S1,P1,Mug,1,12.50,10.00,0.00,0.00,0.00,10.00,",
            $"O4,Delivered,2026-11-18 12:00:00,2026-11-18 12:01:00,alice,{Pii},S2,P2,Spoon,4,5.00,4.50,2.00,0.00,0.00,20.00,",      // 18 + 2 = 20
            $"O5,Delivered,2026-11-18 13:00:00,2026-11-18 13:01:00,dan,{Pii},S1,P1,Mug,-1,12.50,10.00,0.00,0.00,0.00,-10.00,",
            $"O6,Delivered,2026-11-18 14:00:00,2026-11-18 14:01:00,erin,{Pii},S1,P1,Mug,1,12.50,abc,0.00,0.00,0.00,10.00,",
            $",Delivered,2026-11-18 15:00:00,2026-11-18 15:01:00,fay,{Pii},S1,P1,Mug,1,12.50,10.00,0.00,0.00,0.00,10.00,",
            $"O8,Delivered,2030-01-01 15:00:00,2030-01-01 15:01:00,gus,{Pii},S1,P1,Mug,1,12.50,10.00,0.00,0.00,0.00,10.00,",
            $"O9,Delivered,2026-11-17 16:00:00,2026-11-17 16:01:00,hal,{Pii},S1,P1,Mug,1,12.50,10.00,0.00,0.00,0.00,99.00,");
        await h.Storage.Blobs.UploadAsync($"inbox/{store.Id}/export-1.csv", new MemoryStream(Encoding.UTF8.GetBytes(csv)));
        var source = new SellerCenterCsvSource(h.Storage.Blobs, new BuyerIdHasher(Encoding.UTF8.GetBytes("csv-test-salt-012345")), h.Time);

        var run = await h.Runner(source).RunAsync(new RunRequest(Day1, Day2.AddDays(1)));
        var rows = await new KpiDailyRepository(h.Storage.Tables, KpiCatalog.Default).QueryAsync(Day1, Day2.AddDays(1), null);

        var day1 = rows.Single(r => r.Date == Day1);
        var day2 = rows.Single(r => r.Date == Day2);
        Assert.Equal(25m, day1.Kpis["gmv"].Value);          // O1 only: 2 × 10 + 5
        Assert.Equal(1m, day1.Kpis["orders"].Value);
        Assert.Equal(3m, day1.Kpis["units"].Value);
        Assert.Equal(18m, day2.Kpis["gmv"].Value);          // O4: 4 × 4.50; O3 cancelled
        Assert.Equal(50m, day2.Kpis["cancellation_rate"].Value);
        Assert.Null(day2.Kpis["visitors"].Value);
        Assert.Contains("hold no traffic", day2.Kpis["visitors"].NullReason, StringComparison.Ordinal);
        Assert.Null(day2.Kpis["seller_cancellation_rate"].Value); // O3 was cancelled, but the export does not say by whom
        Assert.Contains("hold no cancellation records", day2.Kpis["seller_cancellation_rate"].NullReason, StringComparison.Ordinal);

        // The day after the file's last order is not covered: nothing new, so it stays not fetched.
        Assert.DoesNotContain(rows, r => r.Date == Day2.AddDays(1));
        Assert.Contains($"{store.Id} {Day2.AddDays(1):yyyy-MM-dd}", run.Compute!.NotFetched);

        var quarantined = new List<string>();
        await foreach (var item in h.Storage.Blobs.ListAsync("quarantine/"))
        {
            await using var stream = await h.Storage.Blobs.OpenReadAsync(item.Path);
            using var gzip = new System.IO.Compression.GZipStream(stream!, System.IO.Compression.CompressionMode.Decompress);
            quarantined.Add(await new StreamReader(gzip).ReadToEndAsync());
        }

        var text = Unescape(string.Join("\n", quarantined));
        Assert.Equal(5, run.Tasks.Single().Quarantined);
        foreach (var reason in new[] { "Quantity '-1' is not a positive whole number", "SKU Unit Sale Price 'abc' is not an amount", "Order ID is missing", "is in the future", "Order Amount 99.00 is not" })
        {
            Assert.Contains(reason, text, StringComparison.Ordinal);
        }

        // Personal columns are never read; buyer names only as salted hashes.
        var stored = new StringBuilder();
        await foreach (var item in h.Storage.Blobs.ListAsync(""))
        {
            if (item.Path.StartsWith("archive/", StringComparison.Ordinal))
            {
                continue; // the archived export is the seller's own file, kept as it was dropped
            }

            await using var stream = await h.Storage.Blobs.OpenReadAsync(item.Path);
            var bytes = new MemoryStream();
            await stream!.CopyToAsync(bytes);
            var raw = bytes.ToArray();
            stored.Append(raw.Length > 2 && raw[0] == 0x1f && raw[1] == 0x8b
                ? await new StreamReader(new System.IO.Compression.GZipStream(new MemoryStream(raw), System.IO.Compression.CompressionMode.Decompress)).ReadToEndAsync()
                : Encoding.UTF8.GetString(raw));
        }

        var all = Unescape(stored.ToString());
        Assert.Contains("Mug", all, StringComparison.Ordinal); // the scan does see the stored records
        foreach (var secret in new[] { "Plantedname", "+44 7700 900123", "planted@example.com", "\"alice\"", "\"dan\"", "\"erin\"", "\"hal\"" })
        {
            Assert.DoesNotContain(secret, all, StringComparison.Ordinal);
        }

        // The file's days (the 17th and 18th; the 2030 row does not count) lay inside the run: archived.
        Assert.False(await h.Storage.Blobs.ExistsAsync($"inbox/{store.Id}/export-1.csv"));
        var archived = new List<string>();
        await foreach (var item in h.Storage.Blobs.ListAsync($"archive/{store.Id}/"))
        {
            archived.Add(item.Path);
        }

        Assert.Single(archived, p => p.EndsWith("-export-1.csv", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_file_reaching_outside_the_run_stays_in_the_inbox_and_one_missing_columns_fails_the_store_naming_them()
    {
        using var h = new Harness(2);
        await h.SeedAsync(Day1, Day2);
        var wide = string.Join("\n", Header,
            $"O1,Completed,2026-11-10 10:00:00,2026-11-10 10:05:00,alice,{Pii},S1,P1,Mug,1,12.50,10.00,0.00,0.00,0.00,10.00,",
            $"O2,Completed,2026-11-17 10:00:00,2026-11-17 10:05:00,alice,{Pii},S1,P1,Mug,1,12.50,10.00,0.00,0.00,0.00,10.00,");
        await h.Storage.Blobs.UploadAsync($"inbox/{h.Stores[0].Id}/wide.csv", new MemoryStream(Encoding.UTF8.GetBytes(wide)));
        await h.Storage.Blobs.UploadAsync($"inbox/{h.Stores[1].Id}/broken.csv", new MemoryStream(Encoding.UTF8.GetBytes("Order ID,Quantity\nO1,1")));
        var source = new SellerCenterCsvSource(h.Storage.Blobs, new BuyerIdHasher(Encoding.UTF8.GetBytes("csv-test-salt-012345")), h.Time);

        var run = await h.Runner(source).RunAsync(new RunRequest(Day1, Day2));

        Assert.True(await h.Storage.Blobs.ExistsAsync($"inbox/{h.Stores[0].Id}/wide.csv"));
        var failed = Assert.Single(run.Tasks, t => t.Status == StoreTaskStatus.Failed);
        Assert.Equal(h.Stores[1].Id, failed.StoreId);
        Assert.Contains("broken.csv lacks the column(s) Order Status, Created Time", failed.LastError, StringComparison.Ordinal);
    }

    /// <summary>JSON escapes (\u0027 for an apostrophe, \u002B for a plus) as the characters they stand for, so plain text can be searched.</summary>
    private static string Unescape(string json) =>
        System.Text.RegularExpressions.Regex.Replace(json, @"\\u([0-9A-Fa-f]{4})", m => ((char)Convert.ToInt32(m.Groups[1].Value, 16)).ToString());

    [Fact]
    public async Task An_order_in_two_exports_is_counted_once_and_named_in_the_stores_fetch_notes()
    {
        using var h = new Harness(1);
        var store = h.Stores[0];
        await h.SeedAsync(Day1, Day1);
        var line = $"O1,Completed,2026-11-17 10:00:00,2026-11-17 10:05:00,alice,{Pii},S1,P1,Mug,1,10.00,10.00,0.00,0.00,0.00,10.00,";
        await h.Storage.Blobs.UploadAsync($"inbox/{store.Id}/export-1.csv", new MemoryStream(Encoding.UTF8.GetBytes(Header + "\n" + line)));
        await h.Storage.Blobs.UploadAsync($"inbox/{store.Id}/export-2.csv", new MemoryStream(Encoding.UTF8.GetBytes(Header + "\n" + line)));
        var source = new SellerCenterCsvSource(h.Storage.Blobs, new BuyerIdHasher(Encoding.UTF8.GetBytes("csv-test-salt-012345")), h.Time);

        var result = await new FetchStoreStep(h.Storage, source).FetchAsync(new FetchStoreMessage("run-csv", store.Id, Day1, Day1));

        Assert.Contains("orders: 1 order(s) appear in more than one export (O1); each is counted once, as the last file by name has it (on 2026-11-17)", result.Notes);
    }
}
