namespace KpiFunctions.Secrets;

/// <summary>Where secrets that change at run time live (TikTok access and refresh tokens): a file here, Key Vault in Azure.</summary>
public interface ISecretStore
{
    /// <summary>The secret's value, or null when there is none.</summary>
    Task<string?> GetAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Stores a secret, replacing any earlier value.</summary>
    Task SetAsync(string name, string value, CancellationToken cancellationToken = default);
}
