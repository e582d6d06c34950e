namespace KpiFunctions.Core.Catalog;

/// <summary>What the absence of source records for a store-day means for a measure.</summary>
public enum MissingData
{
    /// <summary>Event data: no records means nothing happened (no orders: GMV 0).</summary>
    Zero,
    /// <summary>Daily snapshot data: no record means the figure is unknown, and it stays null with a reason.</summary>
    Unknown,
}
