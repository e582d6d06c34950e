using System.Globalization;
using System.Text;
using KpiFunctions.Pipeline;
using KpiFunctions.Tests.Shared;

namespace KpiFunctions.Cli.Tests;

/// <summary>
/// Pins the KpiDaily rows that <c>kpi run --demo</c> writes (fixed clock and seed) to a committed golden file, so a
/// change to how runs are driven (the steps, the orchestration) cannot change a KPI. Regenerate the file only for a
/// change that is meant to move KPIs: KPI_UPDATE_GOLDEN=1 dotnet test --filter DemoKpiRowsTests.
/// </summary>
public sealed class DemoKpiRowsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    [Fact]
    public async Task The_demo_writes_the_same_kpi_rows_as_the_golden_file()
    {
        var (code, output) = await CliRunner.RunAsync("run", "--demo", "--data-dir", _dir.Path);
        Assert.True(code == ExitCodes.Ok, output);

        var actual = await DumpAsync();
        var golden = Path.Combine(RepoRoot.Find(), "tests", "KpiFunctions.Cli.Tests", "Golden", "demo-kpi-daily.txt");
        if (Environment.GetEnvironmentVariable("KPI_UPDATE_GOLDEN") == "1")
        {
            await File.WriteAllTextAsync(golden, actual);
        }

        var expected = (await File.ReadAllTextAsync(golden)).ReplaceLineEndings("\n");
        Assert.True(expected.Length > 0, "The golden file is empty.");
        Assert.Equal(expected, actual);
    }

    /// <summary>Every KpiDaily entity, in key order, a line per property, without the store's own bookkeeping (ETag, Timestamp).</summary>
    private async Task<string> DumpAsync()
    {
        var storage = KpiStorage.Open(null, _dir.Path, new FixedTimeProvider(CliRunner.Now));
        try
        {
            var text = new StringBuilder();
            await foreach (var entity in storage.Tables.QueryAsync(TableNames.Daily, Storage.Tables.TableQuery.All))
            {
                text.Append(entity.PartitionKey).Append(' ').Append(entity.RowKey).Append('\n');
                foreach (var (name, value) in entity.Properties.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    text.Append("  ").Append(name).Append('=').Append(Convert.ToString(value, CultureInfo.InvariantCulture)).Append('\n');
                }
            }

            return text.ToString();
        }
        finally
        {
            (storage.Tables as IDisposable)?.Dispose();
        }
    }
}
