namespace KpiFunctions.Sources;

/// <summary>A record the source could not turn into a domain record.</summary>
/// <param name="Dataset">Dataset it was meant for.</param>
/// <param name="RecordKey">Its id, or its position when it has none.</param>
/// <param name="Reason">What is wrong with it.</param>
/// <param name="Json">The record as received.</param>
public sealed record RejectedRecord(string Dataset, string RecordKey, string Reason, string Json);
