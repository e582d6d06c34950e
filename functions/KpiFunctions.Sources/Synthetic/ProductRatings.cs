namespace KpiFunctions.Sources.Synthetic;

/// <summary>The ratings buyers gave one product on one store-local day, counted by stars.</summary>
/// <param name="ProductId">Product.</param>
/// <param name="Stars">Five counts: <c>Stars[0]</c> is the ratings of 1 star, <c>Stars[4]</c> those of 5 stars.</param>
public sealed record ProductRatings(string ProductId, IReadOnlyList<int> Stars)
{
    /// <summary>Every rating of the day.</summary>
    public int Total => Stars.Sum();

    /// <summary>Ratings of 1 or 2 stars (the catalog's negative reviews).</summary>
    public int Negative => Stars[0] + Stars[1];
}
