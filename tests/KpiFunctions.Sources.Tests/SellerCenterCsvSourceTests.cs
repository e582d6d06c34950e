using System.Text;
using KpiFunctions.Core.Domain;
using KpiFunctions.Core.Privacy;
using KpiFunctions.Sources.SellerCenter;
using KpiFunctions.Storage.Embedded;
using KpiFunctions.Tests.Shared;

namespace KpiFunctions.Sources.Tests;

/// <summary>What the Seller Center CSV source makes of exports that are not what they should be.</summary>
public sealed class SellerCenterCsvSourceTests : IDisposable
{
    private const string Header = "Order ID,Order Status,Created Time,Paid Time,Buyer Username,SKU ID,Product ID,Product Name,Quantity,SKU Unit Original Price,SKU Unit Sale Price,Shipping Fee,Platform Discount,Taxes,Order Amount,Is Sample";
    private static readonly DateOnly Day = new(2026, 11, 17);
    private static readonly Store Store = new("uk-main", "UK", "GB", "GBP", "Europe/London");
    private readonly TempDirectory _dir = new();
    private readonly FileBlobStore _blobs;
    private readonly SellerCenterCsvSource _source;

    public SellerCenterCsvSourceTests()
    {
        _blobs = new FileBlobStore(_dir.Path);
        _source = new SellerCenterCsvSource(_blobs, new BuyerIdHasher(Encoding.UTF8.GetBytes("csv-test-salt-012345")), new FixedTimeProvider(new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero)));
    }

    public void Dispose() => _dir.Dispose();

    private static string Line(string order, string product) =>
        $"{order},Completed,2026-11-17 10:00:00,2026-11-17 10:05:00,alice,S1,P1,{product},1,10.00,10.00,0.00,0.00,0.00,10.00,";

    [Theory]
    [InlineData("utf-8")]
    [InlineData("utf-8-bom")]
    [InlineData("utf-16")]
    public async Task Accented_names_survive_in_utf8_with_or_without_a_mark_and_in_utf16(string encoding)
    {
        var text = Header + "\n" + Line("O1", "Café Crème");
        var bytes = encoding switch
        {
            "utf-8" => Encoding.UTF8.GetBytes(text),
            "utf-8-bom" => [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text)],
            _ => [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(text)],
        };
        await _blobs.UploadAsync("inbox/uk-main/export.csv", new MemoryStream(bytes));

        var batch = await _source.FetchDayAsync(Store, Day);

        Assert.Equal("Café Crème", Assert.Single(Assert.Single(batch.Orders).Lines).ProductName);
    }

    [Fact]
    public async Task A_latin1_export_is_refused_naming_its_first_bad_line_and_is_not_retried()
    {
        var latin1 = Encoding.Latin1.GetBytes(Header + "\n" + Line("O1", "Mug") + "\n" + Line("O2", "Café Crème"));
        await _blobs.UploadAsync("inbox/uk-main/export.csv", new MemoryStream(latin1));

        var error = await Assert.ThrowsAsync<SellerExportException>(() => _source.FetchDayAsync(Store, Day));

        Assert.StartsWith("inbox/uk-main/export.csv is not UTF-8: line 3 has the byte 0xE9", error.Message, StringComparison.Ordinal);
        Assert.Contains("Save the export as UTF-8", error.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<IPermanentSourceError>(error);
    }

    [Fact]
    public async Task A_utf16_export_with_a_broken_character_is_refused_naming_its_line_and_is_not_retried()
    {
        // A lone high surrogate (0xD800) in the third line of a UTF-16 LE export.
        var good = Encoding.Unicode.GetBytes(Header + "\n" + Line("O1", "Mug") + "\n" + Line("O2", "Mug"));
        var cut = Encoding.Unicode.GetBytes(Header + "\n" + Line("O1", "Mug") + "\n").Length;
        byte[] broken = [.. Encoding.Unicode.GetPreamble(), .. good[..(cut + 4)], 0x00, 0xD8, .. good[(cut + 4)..]];
        await _blobs.UploadAsync("inbox/uk-main/export.csv", new MemoryStream(broken));

        var error = await Assert.ThrowsAsync<SellerExportException>(() => _source.FetchDayAsync(Store, Day));

        Assert.StartsWith("inbox/uk-main/export.csv is not valid UTF-16: line 3 has a broken character", error.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<IPermanentSourceError>(error);
    }

    [Fact]
    public async Task A_row_with_more_fields_than_the_header_is_quarantined_with_its_reason_and_the_others_are_kept()
    {
        var csv = string.Join("\n", Header, Line("O1", "Mug"), Line("O2", "Mug") + ",surplus");
        await _blobs.UploadAsync("inbox/uk-main/export.csv", new MemoryStream(Encoding.UTF8.GetBytes(csv)));

        var batch = await _source.FetchDayAsync(Store, Day);

        Assert.Equal("O1", Assert.Single(batch.Orders).OrderId);
        var rejected = Assert.Single(batch.Rejected);
        Assert.Equal("O2", rejected.RecordKey);
        Assert.Contains("line 3: the line has 17 fields where the header has 16", rejected.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "has no header row")]
    [InlineData("Order ID,Order Status\nO1,Completed", "lacks the column(s) Created Time")]
    public async Task A_file_wrong_in_itself_stops_the_store_at_once_rather_than_being_retried(string csv, string reason)
    {
        await _blobs.UploadAsync("inbox/uk-main/export.csv", new MemoryStream(Encoding.UTF8.GetBytes(csv)));

        var error = await Assert.ThrowsAsync<SellerExportException>(() => _source.FetchDayAsync(Store, Day));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<IPermanentSourceError>(error);
    }

    [Fact]
    public async Task The_archived_export_keeps_no_personal_data_and_a_replay_of_it_counts_the_same_buyers()
    {
        const string header = "Order ID,Order Status,Created Time,Paid Time,Buyer Username,Recipient,Phone #,Email,Detail Address,SKU ID,Product ID,Product Name,Quantity,SKU Unit Original Price,SKU Unit Sale Price,Shipping Fee,Platform Discount,Taxes,Order Amount,Is Sample";
        var csv = header + "\nO1,Completed,2026-11-17 10:00:00,2026-11-17 10:05:00,alice.w,Alice Planted,+44 7700 900123,alice@example.com,1 Planted Road,S1,P1,Mug,1,10.00,10.00,0.00,0.00,0.00,10.00,";
        await _blobs.UploadAsync("inbox/uk-main/export.csv", new MemoryStream(Encoding.UTF8.GetBytes(csv)));
        var first = Assert.Single((await _source.FetchDayAsync(Store, Day)).Orders);

        await _source.StoreFetchedAsync(Store, Day, Day);
        var archived = new List<string>();
        await foreach (var item in _blobs.ListAsync("archive/uk-main/"))
        {
            archived.Add(item.Path);
        }

        var path = Assert.Single(archived);
        string text;
        await using (var stream = await _blobs.OpenReadAsync(path))
        {
            text = await new StreamReader(stream!).ReadToEndAsync();
        }

        foreach (var personal in new[] { "alice.w", "Alice Planted", "+44 7700 900123", "alice@example.com", "1 Planted Road", "Recipient", "Phone", "Email", "Address" })
        {
            Assert.DoesNotContain(personal, text, StringComparison.Ordinal);
        }

        Assert.Contains(SellerCenterCsvSource.BuyerHashColumn, text, StringComparison.Ordinal);
        Assert.False(await _blobs.ExistsAsync("inbox/uk-main/export.csv"));

        // Replayed from the archive by a later run: the same order, the same buyer.
        await using (var stream = await _blobs.OpenReadAsync(path))
        {
            await _blobs.UploadAsync("inbox/uk-main/replay.csv", stream!);
        }

        var replay = new SellerCenterCsvSource(_blobs, new BuyerIdHasher(Encoding.UTF8.GetBytes("csv-test-salt-012345")), new FixedTimeProvider(new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero)));
        var again = Assert.Single((await replay.FetchDayAsync(Store, Day)).Orders);
        Assert.Equal(first with { Lines = again.Lines }, again);
        Assert.Equal(first.Lines, again.Lines);
    }

    [Fact]
    public async Task The_same_order_in_two_exports_is_counted_once_and_the_batch_says_so()
    {
        await _blobs.UploadAsync("inbox/uk-main/export-1.csv", new MemoryStream(Encoding.UTF8.GetBytes(Header + "\n" + Line("O1", "Mug") + "\n" + Line("O2", "Mug"))));
        await _blobs.UploadAsync("inbox/uk-main/export-2.csv", new MemoryStream(Encoding.UTF8.GetBytes(Header + "\n" + Line("O1", "Mug"))));

        var batch = await _source.FetchDayAsync(Store, Day);

        Assert.Equal(["O1", "O2"], batch.Orders.Select(o => o.OrderId));
        Assert.Equal("orders: 1 order(s) appear in more than one export (O1); each is counted once, as the last file by name has it", Assert.Single(batch.Notes));
    }
}
