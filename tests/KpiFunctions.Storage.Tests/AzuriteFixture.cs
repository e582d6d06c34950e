using KpiFunctions.Tests.Shared;

namespace KpiFunctions.Storage.Tests;

/// <summary>
/// A real Azurite (blob and table services) for a test class, started from tools/ on free loopback ports and
/// stopped afterwards; or the one named by KPI_TEST_AZURITE (a connection string) when set.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteProcess? _process;

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("KPI_TEST_AZURITE") is { Length: > 0 } connection)
        {
            ConnectionString = connection;
            return;
        }

        _process = await AzuriteProcess.StartAsync();
        ConnectionString = _process.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }

    /// <summary>A fresh container name, so every test has its own.</summary>
    public static string NewContainer() => "t" + Guid.NewGuid().ToString("N");
}
