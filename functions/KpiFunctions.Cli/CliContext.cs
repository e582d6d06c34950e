using Spectre.Console;

namespace KpiFunctions.Cli;

/// <summary>What a command may touch besides its arguments: the console, the clock and the environment.</summary>
/// <param name="Console">All output goes here.</param>
/// <param name="Time">Clock.</param>
/// <param name="GetEnvironment">Environment variable lookup.</param>
public sealed record CliContext(IAnsiConsole Console, TimeProvider Time, Func<string, string?> GetEnvironment);
