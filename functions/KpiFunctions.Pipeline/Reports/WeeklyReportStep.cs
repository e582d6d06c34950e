using System.Text;
using KpiFunctions.Core.Calendar;
using KpiFunctions.Core.Catalog;
using KpiFunctions.Storage.Blobs;

namespace KpiFunctions.Pipeline.Reports;

/// <summary>Where a weekly report was written.</summary>
/// <param name="Week">ISO week label.</param>
/// <param name="GroupPath">Blob path of the group's English page, e.g. reports/weekly/2026-W48/group.en.html.</param>
/// <param name="Files">Every page written (group and stores, both languages).</param>
/// <param name="Location">Where people open <paramref name="GroupPath"/>: a file path on the embedded store, else the blob's address.</param>
public sealed record WeeklyReportOutcome(string Week, string GroupPath, int Files, string Location);

/// <summary>
/// Builds a week's review pack and writes it under <c>reports/weekly/&lt;iso-week&gt;/</c>: the group's page and each
/// store's, in English and Chinese. Writing again replaces the week's pages (a later run may have corrected a day).
/// </summary>
public sealed class WeeklyReportStep
{
    private readonly KpiStorage _storage;
    private readonly KpiCatalog _catalog;
    private readonly TimeProvider _time;

    /// <summary>Creates the step.</summary>
    public WeeklyReportStep(KpiStorage storage, KpiCatalog? catalog = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(storage);
        _storage = storage;
        _catalog = catalog ?? KpiCatalog.Default;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The folder of a week's pages.</summary>
    public static string Folder(string week) => $"reports/weekly/{week}";

    /// <summary>Writes the report of the week starting <paramref name="monday"/>.</summary>
    public async Task<WeeklyReportOutcome> WriteAsync(DateOnly monday, CancellationToken cancellationToken = default)
    {
        var report = await new WeeklyReportBuilder(_storage, _catalog, _time).BuildAsync(monday, cancellationToken).ConfigureAwait(false);
        var folder = Folder(report.Week);
        var files = 0;
        foreach (var language in new[] { ReportLanguage.En, ReportLanguage.Zh })
        {
            await WriteAsync($"{folder}/{WeeklyReportHtml.GroupFile(language)}", WeeklyReportHtml.Group(report, _catalog, language), cancellationToken).ConfigureAwait(false);
            files++;
            foreach (var store in report.Stores)
            {
                await WriteAsync($"{folder}/{WeeklyReportHtml.StoreFile(store.Store.Id, language)}", WeeklyReportHtml.Store(report, store, _catalog, language), cancellationToken).ConfigureAwait(false);
                files++;
            }
        }

        var group = $"{folder}/{WeeklyReportHtml.GroupFile(ReportLanguage.En)}";
        return new WeeklyReportOutcome(report.Week, group, files, _storage.Blobs.Describe(group));
    }

    /// <summary>The Monday of the week a run ending on <paramref name="lastDay"/> reports: the last whole week up to that day.</summary>
    public static DateOnly WeekFor(DateOnly lastDay) =>
        lastDay.DayOfWeek == DayOfWeek.Sunday ? StoreCalendar.IsoWeekStart(lastDay) : StoreCalendar.IsoWeekStart(lastDay).AddDays(-7);

    private async Task WriteAsync(string path, string html, CancellationToken ct)
    {
        using var content = new MemoryStream(Encoding.UTF8.GetBytes(html));
        await _storage.Blobs.UploadAsync(path, content, new BlobUploadOptions { ContentType = "text/html; charset=utf-8" }, ct).ConfigureAwait(false);
    }
}
