namespace KpiFunctions.Sources.SellerCenter;

/// <summary>
/// A Seller Center export that is wrong in itself (no header, missing columns, not UTF-8): reading it again cannot
/// help, so the store stops at once with this message instead of being retried.
/// </summary>
public sealed class SellerExportException : Exception, IPermanentSourceError
{
    /// <summary>Creates the exception.</summary>
    public SellerExportException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception without details (for serializers).</summary>
    public SellerExportException()
    {
    }

    /// <summary>Creates an exception with a message and cause.</summary>
    public SellerExportException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
