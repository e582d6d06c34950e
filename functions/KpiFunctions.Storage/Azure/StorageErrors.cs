using global::Azure;

namespace KpiFunctions.Storage.Azure;

/// <summary>The one place a refusal from the SDK becomes the project's exception, with what was attempted.</summary>
internal static class StorageErrors
{
    /// <summary>The service refused <paramref name="operation"/>: status, error code and request id, and what to check.</summary>
    public static StorageRequestException Refused(string operation, RequestFailedException error) =>
        new(operation, error.Status, ErrorCode(error), RequestId(error), error);

    /// <summary>
    /// The service's error code. The Tables SDK reads it from a JSON body only, and Azurite answers a refused token
    /// in XML, so the x-ms-error-code header (which every service sends) is the fallback.
    /// </summary>
    public static string? ErrorCode(RequestFailedException error) =>
        error.ErrorCode ?? (error.GetRawResponse() is { } response && response.Headers.TryGetValue("x-ms-error-code", out var code) ? code : null);

    private static string? RequestId(RequestFailedException error) =>
        error.GetRawResponse() is { } response && response.Headers.TryGetValue("x-ms-request-id", out var id) ? id : null;
}
