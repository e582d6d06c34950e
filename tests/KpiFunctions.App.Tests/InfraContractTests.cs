using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using KpiFunctions.Pipeline;
using KpiFunctions.Tests.Shared;

namespace KpiFunctions.App.Tests;

/// <summary>
/// infra/ checked without Azure or a Bicep compiler: what the code uses is what the Bicep creates and sets, the
/// settings agree three ways (the registry in code, main.bicep, local.settings.sample.json), no key or secret is
/// written down, and the files hold together (brackets, modules and their params, known resource types).
/// </summary>
public sealed partial class InfraContractTests
{
    private static readonly string Root = RepoRoot.Find();
    private static readonly BicepText Main = new(Path.Combine(Root, "infra", "main.bicep"));

    [Fact]
    public void Every_container_and_table_the_code_uses_is_created_and_nothing_else()
    {
        Assert.Equal(KpiStorage.Containers.Order(StringComparer.Ordinal), Main.ArrayVar("dataContainers").Order(StringComparer.Ordinal));
        Assert.Equal(TableNames.All.Order(StringComparer.Ordinal), Main.ArrayVar("tables").Order(StringComparer.Ordinal));

        // The storage module creates what it is given, and raw/ ages out.
        var storage = new BicepText(Path.Combine(Root, "infra", "modules", "storage.bicep"));
        Assert.Contains("[for container in containers:", storage.Code, StringComparison.Ordinal);
        Assert.DoesNotContain("queues", storage.Code, StringComparison.Ordinal); // the task hub makes its own
        Assert.Contains("[for table in tables:", storage.Code, StringComparison.Ordinal);
        Assert.Contains("'raw/'", storage.Code, StringComparison.Ordinal);
        Assert.Contains("daysAfterModificationGreaterThan: rawCoolAfterDays", storage.Code, StringComparison.Ordinal);
        Assert.Contains("daysAfterModificationGreaterThan: max(rawRetentionDays, rawCoolAfterDays + 30)", storage.Code, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_setting_the_app_reads_is_set_or_documented_as_optional_in_main_bicep_and_nothing_else_is_set()
    {
        var registry = AppSettings.All.ToDictionary(s => s.Name, StringComparer.Ordinal);
        var set = Main.ObjectVar("appSettings");
        var optional = Main.OptionalSettings();

        Assert.DoesNotContain(set.Keys, k => !registry.ContainsKey(k));
        Assert.DoesNotContain(optional, k => !registry.ContainsKey(k));
        Assert.Empty(registry.Values.Where(s => s.ReadBy == SettingReader.App && !set.ContainsKey(s.Name) && !optional.Contains(s.Name)).Select(s => s.Name));
        Assert.Empty(registry.Values.Where(s => s.RequiredOnAzure && !set.ContainsKey(s.Name)).Select(s => s.Name));
        Assert.DoesNotContain(optional, k => registry[k].RequiredOnAzure);
        Assert.DoesNotContain(set.Keys, k => optional.Contains(k)); // listed once: set, or documented as optional

        // Secrets are Key Vault references, never values.
        foreach (var secret in registry.Values.Where(s => s.Secret && set.ContainsKey(s.Name)))
        {
            Assert.StartsWith("'@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=", set[secret.Name], StringComparison.Ordinal);
        }

        // Flex Consumption takes the runtime from the app's configuration, not from this setting.
        Assert.DoesNotContain("FUNCTIONS_WORKER_RUNTIME", set.Keys);
    }

    [Fact]
    public void Local_settings_sample_holds_every_setting_the_app_reads_and_only_registered_ones()
    {
        var sample = JsonNode.Parse(File.ReadAllText(Path.Combine(Root, "local.settings.sample.json")))!["Values"]!.AsObject().Select(p => p.Key).ToArray();
        var registry = AppSettings.All.ToDictionary(s => s.Name, StringComparer.Ordinal);

        Assert.DoesNotContain(sample, k => !registry.ContainsKey(k));
        Assert.Empty(registry.Values.Where(s => s.ReadBy == SettingReader.App && !sample.Contains(s.Name)).Select(s => s.Name));
        Assert.Contains("KPI_SCHEDULE", sample);
    }

    [Fact]
    public void The_app_reads_every_registered_setting_in_some_configuration_and_nothing_unregistered()
    {
        // The guard throws on an unregistered name, so starting the app in each configuration proves the first half.
        var read = new HashSet<string>(StringComparer.Ordinal);
        void Start(Dictionary<string, string> settings)
        {
            using var services = new AppServices(name =>
            {
                read.Add(name);
                return settings.GetValueOrDefault(name);
            }, TimeProvider.System);
        }

        using var dir = new TempDirectory();
        Start(new() { ["KPI_DATA_DIR"] = dir.Path, ["KPI_SOURCE"] = "tiktok", ["KPI_TIKTOK_APP_KEY"] = "key", ["KPI_TIKTOK_APP_SECRET"] = "secret" });
        Start(new()
        {
            ["KPI_DATA_DIR"] = dir.Path,
            ["KPI_STORAGE__accountName"] = "kpiprodst",
            ["KPI_STORAGE__credential"] = "managedidentity",
            ["KPI_BUYER_HASH_SALT"] = Convert.ToBase64String(new byte[32]),
            ["KPI_SOURCE"] = "tiktok",
            ["KPI_TIKTOK_APP_KEY"] = "key",
            ["KPI_TIKTOK_APP_SECRET"] = "secret",
            ["KPI_KEYVAULT_URI"] = "https://kpiprod-kv-abc123.vault.azure.net",
            ["KPI_POWERBI_WORKSPACE_ID"] = Guid.NewGuid().ToString(),
            ["KPI_POWERBI_DATASET_ID"] = Guid.NewGuid().ToString(),
            ["KPI_TIKTOK_ADS_APP_ID"] = "123",
            ["KPI_TIKTOK_ADS_APP_SECRET"] = "ads-secret",
            ["KPI_TIKTOK_ADS_ADVERTISERS"] = "7001",
            ["KPI_TIKTOK_ADS_STORE_ADVERTISERS"] = "uk-main=7001",
            ["KPI_TIKTOK_ADS_API_URL"] = "https://business-api.tiktok.com/open_api/v1.3/",
            ["KPI_TIKTOK_ADS_RPS"] = "10",
        });
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        Assert.Empty(AppSettings.All.Where(s => s.ReadBy == SettingReader.App && !read.Contains(s.Name)).Select(s => s.Name));
        var unregistered = Assert.Throws<InvalidOperationException>(() => AppSettings.Guard(_ => null)("KPI_NOT_A_SETTING"));
        Assert.Contains("not in AppSettings.All", unregistered.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_account_key_connection_string_with_a_key_or_secret_literal_is_written_in_infra()
    {
        var files = Directory.EnumerateFiles(Path.Combine(Root, "infra"), "*", SearchOption.AllDirectories).ToArray();
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            foreach (var (pattern, what) in ForbiddenPatterns)
            {
                Assert.False(Regex.IsMatch(text, pattern, RegexOptions.IgnoreCase), $"{Path.GetRelativePath(Root, file)} holds {what}");
            }
        }

        Assert.Contains("allowSharedKeyAccess: false", new BicepText(Path.Combine(Root, "infra", "modules", "storage.bicep")).Code, StringComparison.Ordinal);
    }

    [Fact]
    public void The_bicep_files_hold_together_modules_get_the_params_they_declare_and_resource_types_are_known()
    {
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Root, "infra"), "*.bicep", SearchOption.AllDirectories))
        {
            var bicep = new BicepText(file);
            Assert.Null(bicep.Unbalanced());
            Assert.All(bicep.ResourceTypes(), t => Assert.Contains(t, KnownTypes));
        }

        foreach (var (file, given) in Main.Modules())
        {
            var path = Path.Combine(Root, "infra", file);
            Assert.True(File.Exists(path), $"module {file} does not exist");
            var declared = new BicepText(path).Params();
            Assert.DoesNotContain(given, p => !declared.ContainsKey(p));
            Assert.Empty(declared.Where(p => !p.Value && !given.Contains(p.Key)).Select(p => p.Key));
        }

        // The parameters file sets only parameters main.bicep declares.
        var parameters = JsonNode.Parse(File.ReadAllText(Path.Combine(Root, "infra", "main.parameters.json")))!["parameters"]!.AsObject().Select(p => p.Key);
        Assert.DoesNotContain(parameters, p => !Main.Params().ContainsKey(p));
        Assert.Contains("name", parameters);
    }

    [Fact]
    public void The_app_is_dotnet_isolated_on_flex_consumption_with_its_own_identity_and_only_the_roles_it_and_its_task_hub_need()
    {
        var app = new BicepText(Path.Combine(Root, "infra", "modules", "functionapp.bicep")).Code;
        Assert.Contains("tier: 'FlexConsumption'", app, StringComparison.Ordinal);
        Assert.Contains("name: 'dotnet-isolated'", app, StringComparison.Ordinal);
        Assert.Contains("version: '10.0'", app, StringComparison.Ordinal);
        Assert.Contains("type: 'SystemAssigned'", app, StringComparison.Ordinal);
        Assert.Contains("maximumInstanceCount: maximumInstanceCount", app, StringComparison.Ordinal);
        Assert.Contains("instanceMemoryMB: instanceMemoryMB", app, StringComparison.Ordinal);

        var roles = new BicepText(Path.Combine(Root, "infra", "modules", "roles.bicep")).Code;
        var ids = Regex.Matches(roles, @"^var (\w+) = '([0-9a-f-]{36})'", RegexOptions.Multiline).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.Ordinal);
        Assert.Equal(RoleIds.Values.Order(StringComparer.Ordinal), ids.Values.Order(StringComparer.Ordinal));

        // Each role on the resource it is for: the data roles on the account, secrets on the vault, telemetry on App Insights.
        string Block(string resource) => roles[roles.IndexOf("resource " + resource + " ", StringComparison.Ordinal)..][..roles[roles.IndexOf("resource " + resource + " ", StringComparison.Ordinal)..].IndexOf("\n}", StringComparison.Ordinal)];
        var storageBlock = Block("storageRoles");
        Assert.Contains("scope: account", storageBlock, StringComparison.Ordinal);
        Assert.All(["Storage Blob Data Owner", "Storage Queue Data Contributor", "Storage Table Data Contributor"], r => Assert.Contains(ids.Single(p => p.Value == RoleIds[r]).Key, storageBlock, StringComparison.Ordinal));
        Assert.Contains("scope: vault", Block("vaultRole"), StringComparison.Ordinal);
        Assert.Contains(ids.Single(p => p.Value == RoleIds["Key Vault Secrets Officer"]).Key, Block("vaultRole"), StringComparison.Ordinal);
        Assert.Contains("scope: insights", Block("telemetryRole"), StringComparison.Ordinal);
        Assert.Contains(ids.Single(p => p.Value == RoleIds["Monitoring Metrics Publisher"]).Key, Block("telemetryRole"), StringComparison.Ordinal);
        Assert.Contains("enableRbacAuthorization: true", new BicepText(Path.Combine(Root, "infra", "modules", "keyvault.bicep")).Code, StringComparison.Ordinal);
    }

    [Fact]
    public void The_workflow_builds_tests_packages_and_deploys_with_openid_connect_and_no_stored_secret()
    {
        var workflow = File.ReadAllText(Path.Combine(Root, ".github", "workflows", "ci-cd.yml"));

        Assert.Contains("id-token: write", workflow, StringComparison.Ordinal);
        Assert.Contains("shell: bash", workflow, StringComparison.Ordinal); // pipefail: the tests' exit code is not lost in the pipe
        Assert.Contains("grep -Eq '^[1-9][0-9]* passed, 0 failed$'", workflow, StringComparison.Ordinal);
        Assert.Contains("az bicep build --file infra/main.bicep", workflow, StringComparison.Ordinal);
        Assert.Contains("tiktokAppKey=\"${{ vars.TIKTOK_APP_KEY }}\"", workflow, StringComparison.Ordinal); // settings are replaced whole
        Assert.Contains("azure/login@", workflow, StringComparison.Ordinal);
        Assert.Contains("bash .ci/run", workflow, StringComparison.Ordinal);
        Assert.Contains("scripts/package.sh", workflow, StringComparison.Ordinal);
        Assert.Contains("az deployment group create", workflow, StringComparison.Ordinal);

        // Only the identifiers OIDC needs, as repository variables: no secret is stored for the deployment.
        Assert.DoesNotMatch(@"\$\{\{\s*secrets\.", workflow);
        Assert.DoesNotContain("publish-profile", workflow, StringComparison.Ordinal);
    }

    /// <summary>The roles granted, by the ids in Azure's built-in roles reference.</summary>
    private static readonly Dictionary<string, string> RoleIds = new()
    {
        ["Storage Blob Data Owner"] = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
        ["Storage Queue Data Contributor"] = "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
        ["Storage Table Data Contributor"] = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
        ["Key Vault Secrets Officer"] = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
        ["Monitoring Metrics Publisher"] = "3913510d-42f4-4e42-8a64-420c390055eb",
    };

    /// <summary>Resource types and API versions seen in current official templates (reference digest F2).</summary>
    private static readonly string[] KnownTypes =
    [
        "Microsoft.Storage/storageAccounts@2023-05-01",
        "Microsoft.Storage/storageAccounts/blobServices@2023-05-01",
        "Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01",
        "Microsoft.Storage/storageAccounts/queueServices@2023-05-01",
        "Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01",
        "Microsoft.Storage/storageAccounts/tableServices@2023-05-01",
        "Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01",
        "Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01",
        "Microsoft.Web/serverfarms@2024-04-01",
        "Microsoft.Web/sites@2024-04-01",
        "Microsoft.Web/sites/config@2024-04-01",
        "Microsoft.OperationalInsights/workspaces@2023-09-01",
        "Microsoft.Insights/components@2020-02-02",
        "Microsoft.KeyVault/vaults@2023-07-01",
        "Microsoft.Authorization/roleAssignments@2022-04-01",
    ];

    private static readonly (string Pattern, string What)[] ForbiddenPatterns =
    [
        ("AccountKey=", "an account key in a connection string"),
        ("DefaultEndpointsProtocol=", "a storage connection string"),
        ("SharedAccessSignature=|[?&]sig=", "a SAS"),
        (@"listKeys\(", "a call that reads account keys"),
        ("InstrumentationKey=", "an Application Insights key"),
        ("-----BEGIN", "a certificate or private key"),
        (@"'[A-Za-z0-9+/]{40,}={0,2}'", "a long base64 literal (a key or secret)"),
        ("\"value\": \"[A-Za-z0-9+/]{32,}={0,2}\"", "a long base64 parameter value"),
    ];
}
