using System.Globalization;

namespace KpiFunctions.Core.Scorecards;

/// <summary>
/// The problems found in a set of tier thresholds, each naming the threshold and its value, so one error can list them
/// all (the creator and LIVE rules check theirs this way).
/// </summary>
internal sealed class RuleProblems
{
    private readonly List<string> _problems = [];

    /// <summary>The problems found so far.</summary>
    public IReadOnlyList<string> List => _problems;

    /// <summary>Adds <paramref name="message"/> when <paramref name="ok"/> is false.</summary>
    public void Check(bool ok, FormattableString message)
    {
        if (!ok)
        {
            _problems.Add(message.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary><paramref name="rules"/> when <paramref name="problems"/> is empty, else an error naming every problem.</summary>
    public static T Validated<T>(T rules, IReadOnlyList<string> problems, string what) =>
        problems.Count == 0 ? rules : throw new ArgumentException($"{what} thresholds do not make sense: {string.Join("; ", problems)}.");
}
