namespace KpiFunctions.Storage.Tables;

/// <summary>What happened to a table write.</summary>
public enum TableWriteStatus
{
    /// <summary>Written.</summary>
    Succeeded,
    /// <summary>An insert found the entity already there (HTTP 409).</summary>
    Conflict,
    /// <summary>The ETag no longer matches: someone else wrote first (HTTP 412).</summary>
    PreconditionFailed,
    /// <summary>The entity to update does not exist (HTTP 404).</summary>
    NotFound,
}
