using KpiFunctions.Cli;
using Spectre.Console;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

if (Console.IsOutputRedirected)
{
    // Files and pipes do not wrap: keep tables on one line per row.
    AnsiConsole.Console.Profile.Width = 200;
}

return await KpiCli.InvokeAsync(args, new CliContext(AnsiConsole.Console, TimeProvider.System, Environment.GetEnvironmentVariable), cancel.Token);
