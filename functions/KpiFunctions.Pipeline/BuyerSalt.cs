using System.Security.Cryptography;

namespace KpiFunctions.Pipeline;

/// <summary>
/// The secret salt for buyer-id hashes: from KPI_BUYER_HASH_SALT (base64, at least 16 bytes) when set; for local
/// runs otherwise a random salt created once in the data folder (<c>secrets/buyer-hash-salt</c>), so hashes stay
/// stable between runs on the same data.
/// </summary>
public static class BuyerSalt
{
    /// <summary>Environment variable holding the salt as base64.</summary>
    public const string EnvironmentVariable = "KPI_BUYER_HASH_SALT";

    /// <summary>Gets the salt from the setting or the data folder.</summary>
    public static byte[] Resolve(string? setting, string dataDirectory)
    {
        if (!string.IsNullOrWhiteSpace(setting))
        {
            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(setting.Trim());
            }
            catch (FormatException)
            {
                throw new ArgumentException($"{EnvironmentVariable} is not valid base64; generate one with 'openssl rand -base64 32'.");
            }

            return bytes.Length >= 16
                ? bytes
                : throw new ArgumentException($"{EnvironmentVariable} decodes to {bytes.Length} bytes; use at least 16.");
        }

        var path = Path.Combine(Path.GetFullPath(dataDirectory), "secrets", "buyer-hash-salt");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var salt = RandomNumberGenerator.GetBytes(32);
        try
        {
            // Created exclusively and owner-only from the first byte, so it is never readable by others and two
            // runs starting together cannot each write a different salt.
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using var file = new FileStream(path, options);
            file.Write(salt);
            file.Flush(flushToDisk: true);
            return salt;
        }
        catch (IOException) when (File.Exists(path))
        {
            var existing = File.ReadAllBytes(path);
            return existing.Length >= 16 ? existing : throw new InvalidDataException($"{path} holds {existing.Length} bytes; delete it to make a new salt.");
        }
    }
}
