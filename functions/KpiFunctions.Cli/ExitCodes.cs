namespace KpiFunctions.Cli;

/// <summary>Process exit codes.</summary>
public static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>The work failed.</summary>
    public const int Failed = 1;

    /// <summary>The command line or an input file is wrong.</summary>
    public const int BadUsage = 2;
}
