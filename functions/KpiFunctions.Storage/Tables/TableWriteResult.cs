namespace KpiFunctions.Storage.Tables;

/// <summary>The outcome of a table write; lost races and missing rows are values, not exceptions.</summary>
/// <param name="Status">What happened.</param>
/// <param name="ETag">The entity's new ETag when written.</param>
public readonly record struct TableWriteResult(TableWriteStatus Status, string? ETag)
{
    /// <summary>True when the write happened.</summary>
    public bool Succeeded => Status == TableWriteStatus.Succeeded;
}
