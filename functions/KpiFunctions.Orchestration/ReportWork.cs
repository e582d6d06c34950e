namespace KpiFunctions.Orchestration;

/// <summary>The input of the WriteWeeklyReport activity.</summary>
/// <param name="RunId">The run writing it.</param>
/// <param name="Monday">Monday of the ISO week to report.</param>
public sealed record ReportWork(string RunId, DateOnly Monday);

/// <summary>Where the weekly report went.</summary>
/// <param name="Week">ISO week label, e.g. 2026-W48.</param>
/// <param name="Path">Blob path of the group's English page.</param>
/// <param name="Files">Pages written (group and stores, English and Chinese).</param>
/// <param name="Location">Where people open it: a file path on the embedded store, else the blob's address.</param>
public sealed record ReportOutcome(string Week, string Path, int Files, string Location);
