namespace KpiFunctions.Storage.Tables;

/// <summary>A range query over one table, in partition-key then row-key order.</summary>
public sealed record TableQuery
{
    /// <summary>Only this partition.</summary>
    public string? PartitionKey { get; init; }

    /// <summary>Partition keys from this one on (inclusive).</summary>
    public string? PartitionKeyFrom { get; init; }

    /// <summary>Partition keys up to this one (inclusive).</summary>
    public string? PartitionKeyTo { get; init; }

    /// <summary>Row keys from this one on (inclusive).</summary>
    public string? RowKeyFrom { get; init; }

    /// <summary>Row keys up to this one (inclusive).</summary>
    public string? RowKeyTo { get; init; }

    /// <summary>At most this many entities.</summary>
    public int? Top { get; init; }

    /// <summary>Every entity in a table.</summary>
    public static TableQuery All { get; } = new();

    /// <summary>One partition.</summary>
    public static TableQuery Partition(string partitionKey) => new() { PartitionKey = partitionKey };
}
