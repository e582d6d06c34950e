namespace KpiFunctions.Tests.Shared;

/// <summary>Reads a generated section of README.md between its start and end markers.</summary>
internal static class ReadmeSection
{
    public static string Extract(string startMarker, string endMarker)
    {
        var readme = File.ReadAllText(Path.Combine(RepoRoot.Find(), "README.md")).ReplaceLineEndings("\n");
        var start = readme.IndexOf(startMarker, StringComparison.Ordinal);
        var end = readme.IndexOf(endMarker, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, $"README.md must hold a section between '{startMarker}' and '{endMarker}'.");
        return readme[(start + startMarker.Length)..end].Trim('\n');
    }
}
