using KpiFunctions.Orchestration;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace KpiFunctions.Pipeline.Activities;

/// <summary>Schedules runs on a Durable Task client: the nightly run once per night, a backfill under a new id.</summary>
public static class RunStarter
{
    /// <summary>
    /// Schedules the nightly run of <paramref name="now"/>'s UTC night under <see cref="RunPlanner.NightlyRunId"/>,
    /// unless an instance of that id exists (a second trigger, or a timer firing twice): then nothing new starts.
    /// Returns the instance id and whether this call scheduled it.
    /// </summary>
    public static async Task<(string InstanceId, bool Started)> StartNightlyAsync(DurableTaskClient client, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var id = RunPlanner.NightlyRunId(now);
        if (await client.GetInstanceAsync(id, cancellationToken).ConfigureAwait(false) is not null)
        {
            return (id, false);
        }

        await client.ScheduleNewOrchestrationInstanceAsync(KpiTasks.KpiRun, new RunInput(), new StartOrchestrationOptions { InstanceId = id }, cancellationToken).ConfigureAwait(false);
        return (id, true);
    }

    /// <summary>Schedules a run of <paramref name="input"/> under <paramref name="runId"/>; returns the id.</summary>
    public static Task<string> StartAsync(DurableTaskClient client, string runId, RunInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        RunPlanner.CheckRunId(runId);
        return client.ScheduleNewOrchestrationInstanceAsync(KpiTasks.KpiRun, input, new StartOrchestrationOptions { InstanceId = runId }, cancellationToken);
    }
}
