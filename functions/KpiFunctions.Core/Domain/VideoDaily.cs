namespace KpiFunctions.Core.Domain;

/// <summary>One video's figures for one store-local day.</summary>
/// <param name="StoreId">Store.</param>
/// <param name="VideoId">Video id.</param>
/// <param name="Date">Store-local day.</param>
/// <param name="Views">Views.</param>
/// <param name="CompletedViews">Views watched to the end; null when the source does not give them (TikTok's video analytics do not).</param>
/// <param name="AttributedGmv">GMV TikTok attributes to the video.</param>
/// <param name="Currency">ISO 4217 currency.</param>
public sealed record VideoDaily(
    string StoreId,
    string VideoId,
    DateOnly Date,
    long Views,
    long? CompletedViews,
    decimal AttributedGmv,
    string Currency);
