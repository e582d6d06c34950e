using KpiFunctions.Pipeline.Activities;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace KpiFunctions.App;

/// <summary>The nightly timer: schedules the night's run under an id of the night, so a second firing starts nothing new.</summary>
public sealed partial class DailyRun(TimeProvider time, ILogger<DailyRun> logger)
{
    /// <summary>Runs on %KPI_SCHEDULE% (NCRONTAB, UTC).</summary>
    [Function(nameof(DailyRun))]
    public async Task Run([TimerTrigger("%KPI_SCHEDULE%")] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        var (id, started) = await RunStarter.StartNightlyAsync(client, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (started)
        {
            LogStarted(id);
        }
        else
        {
            LogAlreadyStarted(id);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduled the nightly run {InstanceId}.")]
    private partial void LogStarted(string instanceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "The nightly run {InstanceId} exists already; nothing new was started.")]
    private partial void LogAlreadyStarted(string instanceId);
}
