using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace KpiFunctions.Pipeline.Runs;

/// <summary>
/// Who runs a local run, as its header records it: <c>local:&lt;machine&gt;:&lt;process id&gt;:&lt;process start, UTC
/// ticks&gt;</c>. A run whose process was killed or crashed stays Running in the summary, since nothing records its
/// end; on the same machine a reader can tell that its process is gone. Runs on the Functions app have no owner:
/// Durable Functions keeps them going.
/// </summary>
public static class RunOwner
{
    private const string Local = "local";

    private static readonly Lazy<string> ThisProcess = new(() =>
    {
        using var self = Process.GetCurrentProcess();
        return string.Create(CultureInfo.InvariantCulture, $"{Local}:{Environment.MachineName}:{self.Id}:{StartTicks(self)}");
    });

    /// <summary>The current process as a run's owner.</summary>
    public static string Current => ThisProcess.Value;

    /// <summary>
    /// Why a run that says Running, owned by <paramref name="owner"/>, cannot be running: its process on this machine is
    /// gone (no process has its id, or the one that has it started at another time). Null when it may be running: no
    /// owner, another machine's, or its process is there.
    /// </summary>
    public static string? WhyGone(string? owner)
    {
        if (owner?.Split(':') is not [Local, { Length: > 0 } machine, var idText, var ticksText]
            || !int.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            || !long.TryParse(ticksText, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || !string.Equals(machine, Environment.MachineName, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var gone = string.Create(CultureInfo.InvariantCulture, $"process {id} on host {machine} is gone");
        try
        {
            using var process = Process.GetProcessById(id);
            // Two processes may derive the same start time a clock tick apart; a reused id starts far later.
            return Math.Abs(StartTicks(process) - ticks) < TimeSpan.TicksPerSecond ? null : gone;
        }
        catch (ArgumentException)
        {
            return gone; // no process has that id
        }
        catch (InvalidOperationException)
        {
            return gone; // it exited while being looked at
        }
        catch (Win32Exception)
        {
            return null; // not ours to inspect, so it may be the run
        }
    }

    private static long StartTicks(Process process) => process.StartTime.ToUniversalTime().Ticks;
}
