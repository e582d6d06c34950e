namespace KpiFunctions.Sources;

/// <summary>
/// Marks an exception a source throws when retrying cannot help (an authorisation withdrawn or expired, a missing
/// scope): the runner stops that store at once, with the exception's message as the store's error, and goes on with
/// the others.
/// </summary>
public interface IPermanentSourceError
{
}
