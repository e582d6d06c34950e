namespace KpiFunctions.Storage.Tables;

/// <summary>Operations a transaction may hold.</summary>
public enum TableTransactionKind
{
    /// <summary>Insert or update.</summary>
    Upsert,
    /// <summary>Delete if present.</summary>
    Delete,
}
