namespace KpiFunctions.Core.Catalog;

/// <summary>Where a KPI turns green and amber; the direction decides which side is good.</summary>
/// <param name="Green">Green at or beyond this value.</param>
/// <param name="Amber">Amber at or beyond this value (and short of green); red otherwise.</param>
public sealed record RagThresholds(decimal Green, decimal Amber)
{
    /// <summary>Classifies a value.</summary>
    public RagStatus Classify(decimal? value, KpiDirection direction)
    {
        if (value is not { } v)
        {
            return RagStatus.None;
        }

        return direction == KpiDirection.HigherIsBetter
            ? v >= Green ? RagStatus.Green : v >= Amber ? RagStatus.Amber : RagStatus.Red
            : v <= Green ? RagStatus.Green : v <= Amber ? RagStatus.Amber : RagStatus.Red;
    }
}
