namespace KpiFunctions.Storage.Tables;

/// <summary>One operation in an entity group transaction.</summary>
/// <param name="Kind">Upsert or delete.</param>
/// <param name="Entity">The entity (for a delete only its keys and ETag matter).</param>
/// <param name="Mode">Replace or merge, for upserts.</param>
public sealed record TableTransactionAction(TableTransactionKind Kind, TableEntity Entity, TableUpdateMode Mode = TableUpdateMode.Replace);
