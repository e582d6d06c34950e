using System.Globalization;

namespace KpiFunctions.Storage.Blobs;

/// <summary>The lease durations every blob store accepts: Azure's, 15 to 60 seconds.</summary>
public static class BlobLeaseDuration
{
    /// <summary>Shortest lease.</summary>
    public static readonly TimeSpan Min = TimeSpan.FromSeconds(15);

    /// <summary>Longest lease (Azure's infinite lease is not offered: a holder that dies would keep it).</summary>
    public static readonly TimeSpan Max = TimeSpan.FromSeconds(60);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless the duration is 15 to 60 seconds.</summary>
    public static void Validate(TimeSpan duration, string paramName = "duration")
    {
        if (duration < Min || duration > Max)
        {
            throw new ArgumentOutOfRangeException(paramName, duration, string.Create(CultureInfo.InvariantCulture, $"A blob lease lasts {Min.TotalSeconds:0} to {Max.TotalSeconds:0} seconds (Azure's limits); {duration.TotalSeconds:0.###} s was asked for."));
        }
    }
}
