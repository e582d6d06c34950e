namespace KpiFunctions.Core.Catalog;

/// <summary>Supplies aggregated base-measure values to a formula.</summary>
public interface IMeasureResolver
{
    /// <summary>The measure over the group, or over the month to date ending at the group's last day.</summary>
    MeasureValue Resolve(string measureId, bool monthToDate);
}
