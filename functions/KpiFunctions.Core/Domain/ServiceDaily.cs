namespace KpiFunctions.Core.Domain;

/// <summary>Customer service figures for one store-local day.</summary>
/// <param name="StoreId">Store.</param>
/// <param name="Date">Store-local day.</param>
/// <param name="Chats">Buyer chats opened.</param>
/// <param name="ChatsAnswered">Chats that got a first response at all; null when the source does not say.</param>
/// <param name="AnsweredWithin12h">Chats answered within 12 hours; null when the source does not say.</param>
/// <param name="AnsweredWithin24h">Chats answered within 24 hours; null when the source does not say.</param>
/// <param name="FirstResponseSecondsTotal">Sum of first-response times over answered chats, in seconds; null when the source does not say.</param>
/// <param name="Reviews">Product reviews received; null when the source does not say.</param>
/// <param name="NegativeReviews">Reviews of 1 or 2 stars; null when the source does not say.</param>
public sealed record ServiceDaily(
    string StoreId,
    DateOnly Date,
    int Chats,
    int? ChatsAnswered,
    int? AnsweredWithin12h,
    int? AnsweredWithin24h,
    long? FirstResponseSecondsTotal,
    int? Reviews,
    int? NegativeReviews);
