namespace KpiFunctions.Pipeline.Curated;

/// <summary>A record kept out of the curated data, with why.</summary>
/// <param name="RunId">Run that found it.</param>
/// <param name="Dataset">Dataset it was meant for.</param>
/// <param name="StoreId">Store.</param>
/// <param name="Date">Store-local day of the partition.</param>
/// <param name="RecordKey">Record id.</param>
/// <param name="Reasons">Every problem found.</param>
/// <param name="Record">The record as JSON.</param>
public sealed record QuarantineEntry(string RunId, string Dataset, string StoreId, DateOnly Date, string RecordKey, IReadOnlyList<string> Reasons, string Record);
