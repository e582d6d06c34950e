namespace KpiFunctions.Storage.Tables;

/// <summary>How an update treats properties the new entity does not have.</summary>
public enum TableUpdateMode
{
    /// <summary>The stored entity becomes exactly the new one.</summary>
    Replace,
    /// <summary>The new entity's properties are merged over the stored ones.</summary>
    Merge,
}
