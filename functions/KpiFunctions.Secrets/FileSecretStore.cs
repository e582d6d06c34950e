using System.Text.RegularExpressions;

namespace KpiFunctions.Secrets;

/// <summary>
/// Secrets as files in a folder only the owner can enter, each file readable and writable by the owner alone
/// (mode 600 in a 700 folder), written to a temporary file and renamed so a reader never sees half a value.
/// </summary>
public sealed partial class FileSecretStore : ISecretStore
{
    private readonly string _directory;

    /// <summary>Creates a store in <paramref name="directory"/>, making it owner-only if it is new.</summary>
    public FileSecretStore(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        _directory = Path.GetFullPath(directory);
        if (!Directory.Exists(_directory))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(_directory);
            }
            else
            {
                Directory.CreateDirectory(_directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
    }

    /// <inheritdoc />
    public async Task<string?> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        var path = PathOf(name);
        return File.Exists(path) ? await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false) : null;
    }

    /// <inheritdoc />
    public Task SetAsync(string name, string value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        cancellationToken.ThrowIfCancellationRequested();
        var path = PathOf(name);
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temp, options))
        {
            // A token is a few hundred bytes: written and flushed to disk in one go.
            stream.Write(System.Text.Encoding.UTF8.GetBytes(value));
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override string ToString() => $"FileSecretStore({_directory})";

    private string PathOf(string name)
    {
        if (!SafeName().IsMatch(name))
        {
            throw new ArgumentException($"Secret name '{name}' must be 1-127 letters, digits, '-', '_' or '.'.", nameof(name));
        }

        return Path.Combine(_directory, name);
    }

    [GeneratedRegex("^[A-Za-z0-9_-][A-Za-z0-9._-]{0,126}$")]
    private static partial Regex SafeName();
}
