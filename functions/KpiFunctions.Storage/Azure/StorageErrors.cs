using global::Azure;

namespace KpiFunctions.Storage.Azure;

/// <summary>The one place a refusal from the SDK becomes the project's exception, with what was attempted.</summary>
internal static class StorageErrors
{
    /// <summary>The service refused <paramref name="operation"/>: status, error code and request id, and what to check.</summary>
    public static StorageRequestException Refused(string operation, RequestFailedException error) =>
        new(operation, error.Status, error.ErrorCode, RequestId(error), error);

    private static string? RequestId(RequestFailedException error) =>
        error.GetRawResponse() is { } response && response.Headers.TryGetValue("x-ms-request-id", out var id) ? id : null;
}
