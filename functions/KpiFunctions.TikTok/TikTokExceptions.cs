namespace KpiFunctions.TikTok;

/// <summary>The API refused a request for a reason retrying cannot fix. Carries the platform's code and request id, never a secret.</summary>
public class TikTokApiException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TikTokApiException(string message, long code = 0, string? requestId = null, int status = 0, Exception? inner = null)
        : base(message, inner)
    {
        Code = code;
        RequestId = requestId;
        Status = status;
    }

    /// <summary>The platform's error code (0 when the failure was not an API answer).</summary>
    public long Code { get; }

    /// <summary>The platform's request id, for a support ticket.</summary>
    public string? RequestId { get; }

    /// <summary>HTTP status, or 0.</summary>
    public int Status { get; }
}

/// <summary>
/// A store's authorisation is missing, expired or revoked, or lacks a scope: retrying cannot help. The message says
/// which store and what to do; the run stops that store and goes on with the others.
/// </summary>
public sealed class TikTokAuthorizationException : TikTokApiException, KpiFunctions.Sources.IPermanentSourceError
{
    /// <summary>Creates the exception.</summary>
    public TikTokAuthorizationException(string storeId, string message, long code = 0, string? requestId = null, int status = 0)
        : base(message, code, requestId, status) => StoreId = storeId;

    /// <summary>The store whose authorisation failed.</summary>
    public string StoreId { get; }
}
