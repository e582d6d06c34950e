namespace KpiFunctions.Sources;

/// <summary>
/// The platform's own figures for a store-day, as its analytics report them (TikTok: shop performance), kept to
/// reconcile with what the pipeline computes. TikTok's analytics GMV counts orders by payment time and includes
/// cancelled and refunded ones, so it is compared like for like with that definition, not with the KPI GMV.
/// </summary>
/// <param name="StoreId">Store.</param>
/// <param name="Date">Store-local day.</param>
/// <param name="Currency">Currency of <paramref name="Gmv"/>.</param>
/// <param name="Gmv">GMV of the orders paid that day, cancelled and refunded ones included.</param>
/// <param name="Orders">Orders paid that day.</param>
public sealed record PlatformDaily(string StoreId, DateOnly Date, string Currency, decimal Gmv, long Orders);
