using System.ComponentModel;
using System.Diagnostics;
using System.Security.Cryptography;

namespace KpiFunctions.Tests.Shared;

/// <summary>
/// The npm tools the tests run (Azurite, pinned by tools/package.json and package-lock.json), installed on first use
/// into a folder per machine and per version of tools/ (<c>~/.cache/kpifunctions/tools-&lt;hash&gt;</c>, or under
/// <c>KPI_TOOLS_CACHE</c>), so a fresh clone needs nothing run before <c>dotnet test</c>. Test projects run in
/// parallel processes: a lock file lets one of them install while the others wait for it.
/// </summary>
internal static class NpmTools
{
    private static readonly SemaphoreSlim InProcess = new(1, 1);
    private static string? _installed;

    /// <summary>The folder holding node_modules and the tools/ scripts, installed if it is not yet.</summary>
    public static async Task<string> EnsureInstalledAsync()
    {
        if (_installed is { } done)
        {
            return done;
        }

        await InProcess.WaitAsync();
        try
        {
            return _installed ??= await InstallAcrossProcessesAsync();
        }
        finally
        {
            InProcess.Release();
        }
    }

    private static async Task<string> InstallAcrossProcessesAsync()
    {
        var tools = Path.Combine(RepoRoot.Find(), "tools");
        var sources = Directory.GetFiles(tools).Where(f => Path.GetFileName(f) is "package.json" or "package-lock.json" || f.EndsWith(".mjs", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();
        var folder = Path.Combine(CacheRoot(), "tools-" + Hash(sources));
        var marker = Path.Combine(folder, ".installed");
        if (File.Exists(marker))
        {
            return folder;
        }

        Directory.CreateDirectory(folder);
        await using var held = await LockAsync(Path.Combine(folder, ".install.lock"));
        if (File.Exists(marker))
        {
            return folder; // another test process installed it while this one waited
        }

        foreach (var source in sources)
        {
            File.Copy(source, Path.Combine(folder, Path.GetFileName(source)), overwrite: true);
        }

        await RunNpmInstallAsync(folder);
        await File.WriteAllTextAsync(marker, DateTimeOffset.UtcNow.ToString("O"));
        return folder;
    }

    private static async Task RunNpmInstallAsync(string folder)
    {
        var start = new ProcessStartInfo("npm") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "install", "--no-audit", "--no-fund", "--loglevel=error" })
        {
            start.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("npm did not start.");
        }
        catch (Win32Exception)
        {
            throw new InvalidOperationException("The storage tests need Azurite, which runs on Node.js: install Node.js 20 or later with npm (for example 'apt-get install nodejs npm') and run the tests again.");
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
            await process.WaitForExitAsync(timeout.Token);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"'npm install' of the test tools in {folder} failed ({process.ExitCode}): {await stderr}{await stdout}");
            }
        }
    }

    /// <summary>An exclusive lock on a file, waited for (another test process may be installing) for up to 15 minutes.</summary>
    private static async Task<FileStream> LockAsync(string path)
    {
        var deadline = DateTime.UtcNow.AddMinutes(15);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(250);
            }
        }
    }

    private static string CacheRoot() =>
        Environment.GetEnvironmentVariable("KPI_TOOLS_CACHE") is { Length: > 0 } explicitRoot ? explicitRoot
        : Path.Combine(
            Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"),
            "kpifunctions");

    /// <summary>A short hash of the files' names and contents: a changed pin or script gets a folder of its own.</summary>
    private static string Hash(string[] files)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in files)
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetFileName(file) + "\n"));
            hash.AppendData(File.ReadAllBytes(file));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }
}
