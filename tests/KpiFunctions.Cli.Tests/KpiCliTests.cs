using KpiFunctions.Core.Catalog;
using KpiFunctions.Tests.Shared;
using Stage = KpiFunctions.Pipeline.Local.PipelineStage;

namespace KpiFunctions.Cli.Tests;

public sealed partial class KpiCliTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    [Fact]
    public async Task No_command_is_bad_usage_with_a_pointer_to_help()
    {
        var (code, output) = await CliRunner.RunAsync();

        Assert.Equal(ExitCodes.BadUsage, code);
        Assert.Contains("error:", output, StringComparison.Ordinal);
        Assert.Contains("kpi --help", output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_run_says_how_long_each_stage_took_from_when_it_began_to_when_the_next_one_did()
    {
        Assert.Equal("Time: fetch 12.3 s, compute 4.1 s, alerts 0.6 s, publish 2.1 s (run 21.0 s)", Times(21, (Stage.Started, 1), (Stage.Fetching, 2), (Stage.Computing, 13.3), (Stage.Alerting, 17.4), (Stage.Publishing, 18), (Stage.Finished, 20.05)));

        // A run that failed in its compute step: the stages it never reached are left out, the last one ends with the run.
        Assert.Equal("Time: fetch 12.3 s, compute 7.7 s (run 21.0 s)", Times(21, (Stage.Started, 1), (Stage.Fetching, 2), (Stage.Computing, 13.3)));

        // A run in two chunks: each chunk's fetch, compute and alerts add to their stage, not to the stage before the next.
        Assert.Equal("Time: fetch 17.0 s, compute 5.0 s, alerts 2.0 s, publish 2.0 s, report 1.0 s (run 27.5 s)", Times(27.5,
            (Stage.Started, 0), (Stage.Fetching, 1), (Stage.StoreFinished, 9), (Stage.Computing, 10), (Stage.Alerting, 12), (Stage.Fetching, 13),
            (Stage.Computing, 20), (Stage.Alerting, 23), (Stage.Publishing, 24), (Stage.Reporting, 26), (Stage.Finished, 27)));

        static string Times(double end, params (Stage Stage, double At)[] reports)
        {
            var at = TimeSpan.Zero;
            var clock = new Commands.RunCommand.StageClock(() => at);
            foreach (var (stage, seconds) in reports)
            {
                at = TimeSpan.FromSeconds(seconds);
                clock.Report(stage);
            }

            return clock.Describe(TimeSpan.FromSeconds(end));
        }
    }

    [Fact]
    public async Task Help_lists_the_commands()
    {
        var (code, output) = await CliRunner.RunAsync("--help");

        Assert.Equal(ExitCodes.Ok, code);
        foreach (var command in new[] { "run", "kpis", "stores", "catalog", "powerbi", "fake-tiktok" })
        {
            Assert.Contains(command, output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("run --demo --days 0", "error: --days '0' is out of range; allowed: 1-400. (kpi run --help shows the options)")]
    [InlineData("run --demo --days abc", "error: --days 'abc' is not a whole number; allowed: 1-400.")]
    [InlineData("run --demo --stores 500", "error: --stores '500' is out of range; allowed: 1-120.")]
    [InlineData("run --demo --source nosuch", "error: --source 'nosuch' is not a choice; allowed: synthetic, tiktok, csv.")]
    [InlineData("run --demo --to 2026-11-31", "error: --to '2026-11-31' is not a date; allowed: yyyy-MM-dd")]
    [InlineData("run --demo --reporting-currency XYZ", "error: --reporting-currency 'XYZ' has no rates in the synthetic FX source; allowed: USD, GBP, EUR")]
    [InlineData("run --demo --store nope", "error: --store 'nope' is not a demo store; allowed (with --stores 12): uk-main, us-west")]
    [InlineData("kpis --from 2026-13-01", "error: --from '2026-13-01' is not a date")]
    [InlineData("kpis", "error: Option '--from' is required. (kpi kpis --help shows the options)")]
    [InlineData("run --bogus", "error: Unrecognized command or argument '--bogus'.")]
    public async Task Bad_arguments_exit_2_with_a_one_line_message_and_no_stack_trace(string args, string message)
    {
        var (code, output) = await CliRunner.RunAsync([.. args.Split(' '), "--data-dir", _dir.Path]);

        Assert.Equal(ExitCodes.BadUsage, code);
        Assert.StartsWith(message, Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir.Path, "tables.db")));
    }

    [Theory]
    [InlineData("--reporting-currency XYZ --days 1")]
    [InlineData("--from 2026-11-10 --to 2026-11-01")]
    [InlineData("--to 2026-11-20")]
    [InlineData("--days 400")]
    [InlineData("--store nope")]
    public async Task A_demo_run_refused_for_its_values_writes_nothing(string args)
    {
        var data = Path.Combine(_dir.Path, "data");

        var (code, output) = await CliRunner.RunAsync(["run", "--demo", .. args.Split(' '), "--data-dir", data]);

        Assert.True(code == ExitCodes.BadUsage, output);
        Assert.DoesNotContain("Running the demo", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(data), $"kpi run --demo {args} created {data}");
    }

    [Theory]
    [InlineData("KPI_STORAGE__blobServiceUri", "http://127.0.0.1:10000/devstoreaccount1", "KPI_STORAGE__blobServiceUri is http://127.0.0.1:10000/devstoreaccount1; Microsoft Entra ID tokens are only sent over https")]
    [InlineData("KPI_STORAGE__accountName", "kpiprod", "KPI_STORAGE__credential is 'password'")]
    [InlineData("KPI_STORAGE", "AccountName=kpiprod", "has no AccountKey")]
    public async Task Storage_settings_that_cannot_work_exit_2_naming_the_setting(string name, string value, string message)
    {
        var environment = new Dictionary<string, string>
        {
            [name] = value,
            ["KPI_STORAGE__tableServiceUri"] = "https://127.0.0.1:10002/devstoreaccount1",
            ["KPI_STORAGE__credential"] = "password",
        };

        var (code, output) = await CliRunner.RunWithEnvironmentAsync(environment, "run", "--demo", "--days", "1", "--data-dir", _dir.Path);

        Assert.Equal(ExitCodes.BadUsage, code);
        Assert.Contains(message, output.ReplaceLineEndings(" "), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir.Path, "tables.db")));
    }

    [Theory]
    [InlineData("KPI_MAX_ATTEMPTS", "0", "attempts 0 (KPI_MAX_ATTEMPTS) must be 1-10")]
    [InlineData("KPI_RETRY_BACKOFF", "0.5", "retry back-off 0.5 (KPI_RETRY_BACKOFF, a factor) must be 1-10")]
    [InlineData("KPI_LOOKBACK_DAYS", "three", "KPI_LOOKBACK_DAYS='three' is not a whole number; write one such as 3, or leave it unset for 3.")]
    [InlineData("KPI_ALERT_RETENTION_DAYS", "3", "alert retention of 3 days (KPI_ALERT_RETENTION_DAYS) must be 7-3650")]
    [InlineData("KPI_ALERT_WEBHOOKS", "ops:teams,ops-feishu", "KPI_ALERT_WEBHOOKS entry 'ops-feishu' is not <channel>:<format>")]
    [InlineData("KPI_ALERT_WEBHOOK_LEVEL", "info", "KPI_ALERT_WEBHOOK_LEVEL='info' is not a level; use critical")]
    [InlineData("KPI_BACKFILL_CHUNK_DAYS", "0", "backfill chunk of 0 days (KPI_BACKFILL_CHUNK_DAYS) must be 1-400")]
    public async Task A_pipeline_setting_out_of_range_or_malformed_exits_2_naming_the_setting(string name, string value, string message)
    {
        var (code, output) = await CliRunner.RunWithEnvironmentAsync(new Dictionary<string, string> { [name] = value }, "run", "--demo", "--stores", "1", "--days", "1", "--data-dir", _dir.Path);

        Assert.Equal(ExitCodes.BadUsage, code);
        Assert.Contains(message, output.ReplaceLineEndings(" "), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir.Path, "tables.db")));
    }

    [Theory]
    [InlineData("KPI_TIKTOK_APP_SECRET", "x", "app key is missing; set KPI_TIKTOK_APP_KEY")]
    [InlineData("KPI_TIKTOK_APP_KEY", "k", "app secret is missing; set KPI_TIKTOK_APP_SECRET")]
    [InlineData("KPI_TIKTOK_API_URL", "ftp://x", "KPI_TIKTOK_API_URL='ftp://x' is not an http(s) URL")]
    [InlineData("KPI_TIKTOK_LATE_CHANGE_DAYS", "a month", "KPI_TIKTOK_LATE_CHANGE_DAYS='a month' is not a whole number of days")]
    [InlineData("KPI_TIKTOK_LATE_CHANGE_DAYS", "0", "KPI_TIKTOK_LATE_CHANGE_DAYS must be 1-365 days (it is 0)")]
    [InlineData("KPI_TIKTOK_FINANCE_LOOKBACK_DAYS", "six weeks", "KPI_TIKTOK_FINANCE_LOOKBACK_DAYS='six weeks' is not a whole number of days")]
    [InlineData("KPI_TIKTOK_FINANCE_LOOKBACK_DAYS", "181", "KPI_TIKTOK_FINANCE_LOOKBACK_DAYS must be 1-180 days (it is 181)")]
    [InlineData("KPI_TIKTOK_ADS_APP_ID", "", "KPI_TIKTOK_ADS_STORE_ADVERTISERS is set but the Business API is not")]
    [InlineData("KPI_TIKTOK_ADS_APP_SECRET", "", "The TikTok Business API app secret is missing; set KPI_TIKTOK_ADS_APP_SECRET")]
    [InlineData("KPI_TIKTOK_ADS_ADVERTISERS", "abc", "Advertiser id 'abc' is not an ad account id")]
    [InlineData("KPI_TIKTOK_ADS_STORE_ADVERTISERS", "uk-main", "KPI_TIKTOK_ADS_STORE_ADVERTISERS entry 'uk-main' is not store=advertiser")]
    [InlineData("KPI_TIKTOK_ADS_STORE_ADVERTISERS", "uk-main=7002", "names advertiser 7002 for store uk-main, but KPI_TIKTOK_ADS_ADVERTISERS does not list it")]
    [InlineData("KPI_TIKTOK_ADS_API_URL", "ftp://x", "KPI_TIKTOK_ADS_API_URL='ftp://x' is not an http(s) URL")]
    [InlineData("KPI_TIKTOK_ADS_RPS", "fast", "KPI_TIKTOK_ADS_RPS='fast' is not a number of requests per second")]
    [InlineData("KPI_TIKTOK_ADS_RPS", "0", "KPI_TIKTOK_ADS_RPS must be above 0 and at most 1000 requests per second (it is 0)")]
    public async Task The_tiktok_source_without_its_settings_exits_2_naming_the_setting(string name, string value, string message)
    {
        var environment = new Dictionary<string, string> { [name] = value };
        if (name is "KPI_TIKTOK_API_URL" or "KPI_TIKTOK_LATE_CHANGE_DAYS" or "KPI_TIKTOK_FINANCE_LOOKBACK_DAYS" || name.StartsWith("KPI_TIKTOK_ADS_", StringComparison.Ordinal))
        {
            environment["KPI_TIKTOK_APP_KEY"] = "k";
            environment["KPI_TIKTOK_APP_SECRET"] = "s";
        }

        // The Business API's settings are all there but the one under test (the app id case leaves out all three, with
        // the store setting given, which cannot work alone).
        if (name.StartsWith("KPI_TIKTOK_ADS_", StringComparison.Ordinal))
        {
            var ads = name == "KPI_TIKTOK_ADS_APP_ID"
                ? new Dictionary<string, string> { ["KPI_TIKTOK_ADS_STORE_ADVERTISERS"] = "uk-main=7001" }
                : new Dictionary<string, string> { ["KPI_TIKTOK_ADS_APP_ID"] = "123", ["KPI_TIKTOK_ADS_APP_SECRET"] = "s", ["KPI_TIKTOK_ADS_ADVERTISERS"] = "7001" };
            foreach (var (key, setting) in ads)
            {
                environment.TryAdd(key, setting);
            }
        }

        var (code, output) = await CliRunner.RunWithEnvironmentAsync(environment, "run", "--demo", "--stores", "1", "--days", "1", "--source", "tiktok", "--data-dir", _dir.Path);

        Assert.Equal(ExitCodes.BadUsage, code);
        Assert.Contains(message, output.ReplaceLineEndings(" "), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir.Path, "tables.db")));
    }

    [Fact]
    public async Task Runs_lists_recent_runs_and_shows_one_with_each_stores_outcome()
    {
        var (empty, emptyOutput) = await CliRunner.RunAsync("runs", "--data-dir", _dir.Path);
        Assert.Equal(ExitCodes.Failed, empty); // no data folder yet
        Assert.Contains("There is no data in", emptyOutput, StringComparison.Ordinal);

        Assert.Equal(ExitCodes.Ok, (await CliRunner.RunAsync("run", "--demo", "--days", "1", "--stores", "2", "--data-dir", _dir.Path)).ExitCode);
        var (code, output) = await CliRunner.RunAsync("runs", "--data-dir", _dir.Path);
        var runId = System.Text.RegularExpressions.Regex.Match(output, @"\d{8}T\d{6}Z-[0-9a-f]{8}").Value;

        Assert.Equal(ExitCodes.Ok, code);
        Assert.NotEmpty(runId);
        Assert.Contains("Completed", output, StringComparison.Ordinal);

        var (statusCode, status) = await CliRunner.RunAsync("runs", runId, "--data-dir", _dir.Path);
        Assert.Equal(ExitCodes.Ok, statusCode);
        foreach (var text in new[] { runId, "Completed", "uk-main", "us-west", "Succeeded", "KPI rows" })
        {
            Assert.Contains(text, status, StringComparison.Ordinal);
        }

        var (unknownCode, unknown) = await CliRunner.RunAsync("runs", "20260101T000000Z-000000", "--data-dir", _dir.Path);
        Assert.Equal(ExitCodes.Failed, unknownCode);
        Assert.Contains("No run '20260101T000000Z-000000'", unknown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_runs_started_in_the_same_second_get_different_ids()
    {
        var first = await CliRunner.RunAsync("run", "--demo", "--days", "1", "--stores", "1", "--data-dir", _dir.Path);
        var second = await CliRunner.RunAsync("run", "--demo", "--days", "1", "--stores", "1", "--data-dir", _dir.Path);
        var (code, output) = await CliRunner.RunAsync("runs", "--data-dir", _dir.Path);

        Assert.True(first.ExitCode == ExitCodes.Ok, first.Output);
        Assert.True(second.ExitCode == ExitCodes.Ok, second.Output);
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(output, @"20261120T120000Z-[0-9a-f]{8}").Select(m => m.Value).Distinct().Count());
    }

    [Fact]
    public async Task On_azurite_run_and_runs_read_and_write_the_same_run_summary()
    {
        await using var azurite = await KpiFunctions.Tests.Shared.AzuriteProcess.StartAsync();

        var (runCode, runOutput) = await CliRunner.RunAsync("run", "--demo", "--days", "1", "--stores", "2", "--storage", azurite.ConnectionString, "--data-dir", _dir.Path);
        Assert.True(runCode == ExitCodes.Ok, runOutput);
        var (code, output) = await CliRunner.RunAsync("runs", "--storage", azurite.ConnectionString);
        var runId = System.Text.RegularExpressions.Regex.Match(output, @"\d{8}T\d{6}Z-[0-9a-f]{8}").Value;
        var (statusCode, status) = await CliRunner.RunAsync("runs", runId, "--storage", azurite.ConnectionString);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.NotEmpty(runId);
        Assert.Equal(ExitCodes.Ok, statusCode);
        foreach (var text in new[] { runId, "Completed", "uk-main", "us-west", "Succeeded" })
        {
            Assert.Contains(text, status, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(KpiFunctions.Tests.Shared.AzuriteProcess.DevelopmentKey, output + status + runOutput, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir.Path, "tables.db"))); // the embedded store was not used
    }

    [Fact]
    public async Task The_demo_runs_end_to_end_and_kpis_reads_its_rows()
    {
        var (code, output) = await CliRunner.RunAsync("run", "--demo", "--days", "2", "--stores", "3", "--data-dir", _dir.Path);

        Assert.True(code == ExitCodes.Ok, output);
        Assert.Contains("Completed", output, StringComparison.Ordinal);
        Assert.Contains("Latest day, 2026-11-19", output, StringComparison.Ordinal);
        foreach (var text in new[] { "uk-main", "us-west", "us-east", "GMV USD", "MTD target %", "tables.db" })
        {
            Assert.Contains(text, output, StringComparison.Ordinal);
        }

        var (kpisCode, kpisOutput) = await CliRunner.RunAsync("kpis", "--store", "uk-main", "--from", "2026-11-18", "--to", "2026-11-19", "--data-dir", _dir.Path);
        Assert.Equal(ExitCodes.Ok, kpisCode);
        Assert.Contains("2026-11-18", kpisOutput, StringComparison.Ordinal);
        Assert.Contains("2026-11-19", kpisOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("us-west", kpisOutput, StringComparison.Ordinal);

        var (csvCode, csv) = await CliRunner.RunAsync("kpis", "--from", "2026-11-19", "--kpi", "gmv,roas", "--format", "csv", "--data-dir", _dir.Path);
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(ExitCodes.Ok, csvCode);
        Assert.Equal("date,store_id,currency,reporting_currency,fx_rate,gmv,gmv_rag,gmv_rpt,roas,roas_rag", lines[0]);
        Assert.Equal(4, lines.Length);

        var (badKpi, badOutput) = await CliRunner.RunAsync("kpis", "--from", "2026-11-19", "--kpi", "nope", "--data-dir", _dir.Path);
        Assert.Equal(ExitCodes.BadUsage, badKpi);
        Assert.Contains("--kpi 'nope' is not a KPI id; allowed: all, gmv,", badOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_reporting_currency_is_an_option()
    {
        var (code, output) = await CliRunner.RunAsync("run", "--demo", "--days", "1", "--stores", "1", "--reporting-currency", "cny", "--data-dir", _dir.Path);

        Assert.True(code == ExitCodes.Ok, output);
        Assert.Contains("reporting currency CNY", output, StringComparison.Ordinal);
        Assert.Contains("GMV CNY", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kpis_on_a_folder_without_data_says_to_run_the_demo_first()
    {
        var (code, output) = await CliRunner.RunAsync("kpis", "--from", "2026-11-19", "--data-dir", Path.Combine(_dir.Path, "empty"));

        Assert.Equal(ExitCodes.Failed, code);
        Assert.Contains("kpi run --demo", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plain_run_without_registered_stores_fails_with_what_to_do()
    {
        var (code, output) = await CliRunner.RunAsync("run", "--data-dir", _dir.Path);

        Assert.Equal(ExitCodes.Failed, code);
        Assert.Contains("kpi stores import", output, StringComparison.Ordinal);
        Assert.Contains("--verbose", output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir.Path, "tables.db"))); // reading the registry created no data folder
    }

    [Fact]
    public async Task Stores_import_then_list_then_a_plain_run_over_them()
    {
        var sample = Path.Combine(RepoRoot.Find(), "docs", "stores.sample.json");

        var (importCode, imported) = await CliRunner.RunAsync("stores", "import", sample, "--data-dir", _dir.Path);
        var (listCode, listed) = await CliRunner.RunAsync("stores", "list", "--data-dir", _dir.Path);
        var (runCode, ran) = await CliRunner.RunAsync("run", "--days", "1", "--data-dir", _dir.Path);

        Assert.Equal(ExitCodes.Ok, importCode);
        Assert.Contains("Imported 4 store(s)", imported, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Ok, listCode);
        Assert.Contains("Asia/Ho_Chi_Minh", listed, StringComparison.Ordinal);
        Assert.Contains("growth", listed, StringComparison.Ordinal);      // us-west's stage in the sample
        Assert.True(runCode == ExitCodes.Ok, ran);
        Assert.Contains("th-bkk", ran, StringComparison.Ordinal);
        Assert.DoesNotContain("vn-hcm", ran, StringComparison.Ordinal);   // disabled in the sample
    }

    [Fact]
    public async Task Costs_import_takes_the_sample_for_the_sample_stores_and_refuses_a_bad_file_writing_nothing()
    {
        var root = RepoRoot.Find();
        var bad = Path.Combine(_dir.Path, "bad.csv");
        await File.WriteAllTextAsync(bad, "store_id,sku_id,unit_cost,currency,valid_from\nuk-main,uk-main-sku001,4.20,GBP,2026-01-01\nus-west,us-west-sku001,six,USD,2026-01-01\n");
        await CliRunner.RunAsync("stores", "import", Path.Combine(root, "docs", "stores.sample.json"), "--data-dir", _dir.Path);

        var (badCode, badOutput) = await CliRunner.RunAsync("costs", "import", bad, "--data-dir", _dir.Path);
        var costs = Path.Combine(_dir.Path, "blobs", "curated", "product_costs");
        var nothingWritten = !Directory.Exists(costs);
        var (code, output) = await CliRunner.RunAsync("costs", "import", Path.Combine(root, "docs", "costs.sample.csv"), "--data-dir", _dir.Path);

        Assert.Equal(ExitCodes.BadUsage, badCode);
        Assert.Contains("bad.csv line 3: unit_cost 'six' is not a number", badOutput, StringComparison.Ordinal);
        Assert.True(nothingWritten, "a refused file wrote costs");
        Assert.True(code == ExitCodes.Ok, output);
        Assert.Contains("uk-main 2 entries, us-west 1 entries", output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(costs, "store=uk-main", "part-00000.parquet")));
    }

    [Fact]
    public async Task Importing_a_missing_or_bad_file_is_bad_usage()
    {
        var bad = Path.Combine(_dir.Path, "bad.json");
        await File.WriteAllTextAsync(bad, """[{"id":"x y","name":"X","country":"GB","currency":"GBP","timeZone":"Europe/London"}]""");

        var (missingCode, missing) = await CliRunner.RunAsync("stores", "import", Path.Combine(_dir.Path, "none.json"), "--data-dir", _dir.Path);
        var (badCode, badOutput) = await CliRunner.RunAsync("stores", "import", bad, "--data-dir", _dir.Path);

        Assert.Equal(ExitCodes.BadUsage, missingCode);
        Assert.Contains("does not exist", missing, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.BadUsage, badCode);
        Assert.Contains("store #1 ('x y'): id 'x y' must be", badOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verbose_shows_the_stack_trace_of_an_error()
    {
        var (code, output) = await CliRunner.RunAsync("run", "--data-dir", _dir.Path, "--verbose");

        Assert.Equal(ExitCodes.Failed, code);
        Assert.Contains("   at ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Catalog_prints_the_generated_kpi_reference()
    {
        var (code, output) = await CliRunner.RunAsync("catalog");

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal(KpiReference.Markdown(KpiCatalog.Default).ReplaceLineEndings("\n"), output.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Catalog_roles_prints_the_generated_roles_and_stages_and_refuses_two_references_at_once()
    {
        var (code, output) = await CliRunner.RunAsync("catalog", "--roles");
        var (bothCode, both) = await CliRunner.RunAsync("catalog", "--roles", "--datasets");

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal(RoleReference.Markdown(KpiCatalog.Default).ReplaceLineEndings("\n"), output.ReplaceLineEndings("\n"));
        Assert.Contains("| `ad_buyer` Ad buyer | 广告投手 | `roas` ROAS | 40 % |", output, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.BadUsage, bothCode);
        Assert.Contains("Give --datasets or --roles, not both", both, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Powerbi_generate_writes_the_template_and_check_fails_once_a_file_is_changed()
    {
        var folder = Path.Combine(_dir.Path, "powerbi");

        var (code, output) = await CliRunner.RunAsync("powerbi", "generate", "--out", folder);
        var (checkCode, checkOutput) = await CliRunner.RunAsync("powerbi", "generate", "--out", folder, "--check");
        var kpi = Path.Combine(folder, "ShopKpi.SemanticModel", "definition", "tables", "KPI.tmdl");
        await File.AppendAllTextAsync(kpi, "\n");
        var (staleCode, staleOutput) = await CliRunner.RunAsync("powerbi", "generate", "--out", folder, "--check");

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("wrote ShopKpi.pbip", output, StringComparison.Ordinal);
        Assert.Equal((ExitCodes.Ok, true), (checkCode, checkOutput.Contains("up to date", StringComparison.Ordinal)));
        Assert.Equal(ExitCodes.Failed, staleCode);
        Assert.Contains("out of date: ShopKpi.SemanticModel/definition/tables/KPI.tmdl (differs)", staleOutput, StringComparison.Ordinal);
    }
}
