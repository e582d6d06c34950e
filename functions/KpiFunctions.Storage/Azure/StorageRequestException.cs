namespace KpiFunctions.Storage.Azure;

/// <summary>
/// A storage request the service refused: status, service error code and request id, never a key or signature. The
/// SDK's <c>RequestFailedException</c> is the inner exception (the SDK redacts signatures and authorization headers).
/// </summary>
public sealed class StorageRequestException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StorageRequestException(string operation, int status, string? errorCode, string? requestId, Exception? innerException = null)
        : base($"{operation} failed: HTTP {status}{(errorCode is null ? "" : " " + errorCode)}{(requestId is null ? "" : $" (request id {requestId})")}.{Hint(status)}", innerException)
    {
        Operation = operation;
        Status = status;
        ErrorCode = errorCode;
        RequestId = requestId;
    }

    /// <summary>Creates an exception without details (for serializers).</summary>
    public StorageRequestException()
        : this("storage request", 0, null, null)
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public StorageRequestException(string message)
        : base(message)
    {
        Operation = message;
    }

    /// <summary>Creates an exception with a message and cause.</summary>
    public StorageRequestException(string message, Exception innerException)
        : base(message, innerException)
    {
        Operation = message;
    }

    /// <summary>What was attempted, e.g. "Put blob kpi/raw/x".</summary>
    public string Operation { get; } = "";

    /// <summary>HTTP status.</summary>
    public int Status { get; }

    /// <summary>The service's error code (x-ms-error-code), e.g. ContainerNotFound.</summary>
    public string? ErrorCode { get; }

    /// <summary>The service's request id, for support.</summary>
    public string? RequestId { get; }

    /// <summary>What a user can do about a refusal of their credentials.</summary>
    private static string Hint(int status) => status switch
    {
        401 or 403 => " Check the storage credentials: the account key, the SAS token's expiry and permissions, or (Entra ID) that the identity has the Storage Blob Data Contributor and Storage Table Data Contributor roles.",
        _ => "",
    };
}
