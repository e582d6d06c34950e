namespace KpiFunctions.Tests.Shared;

/// <summary>Finds the repository root (the folder with KpiFunctions.sln) from the test's output folder.</summary>
internal static class RepoRoot
{
    public static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "KpiFunctions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No KpiFunctions.sln above {AppContext.BaseDirectory}.");
    }
}
