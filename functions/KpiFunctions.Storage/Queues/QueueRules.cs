using System.Text;

namespace KpiFunctions.Storage.Queues;

/// <summary>The service's rules for queue names, message sizes and timeouts, checked before a request is made.</summary>
public static class QueueRules
{
    /// <summary>Largest message the service takes, counted after base64 encoding (Queue service REST: Put Message).</summary>
    public const int MaxEncodedMessageBytes = 64 * 1024;

    /// <summary>Longest visibility timeout or delay the service takes.</summary>
    public static readonly TimeSpan MaxVisibility = TimeSpan.FromDays(7);

    /// <summary>
    /// Queue names: 3-63 characters, lower-case letters, digits and single hyphens, starting and ending with a letter or
    /// digit (Queue service REST: Naming queues and metadata).
    /// </summary>
    public static void ValidateQueueName(string queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        var ok = queue.Length is >= 3 and <= 63
            && queue.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
            && queue[0] != '-' && queue[^1] != '-' && !queue.Contains("--", StringComparison.Ordinal);
        if (!ok)
        {
            throw new ArgumentException($"Queue name '{queue}' is not valid: use 3-63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit.", nameof(queue));
        }
    }

    /// <summary>The message as it travels: base64 of its UTF-8 bytes, the encoding the Functions queue trigger expects by default.</summary>
    public static string Encode(string queue, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
        if (encoded.Length > MaxEncodedMessageBytes)
        {
            throw new ArgumentException($"A message for queue '{queue}' is {encoded.Length} bytes once base64-encoded; the service takes at most {MaxEncodedMessageBytes}. Put large content in a blob and send its path.", nameof(text));
        }

        return encoded;
    }

    /// <summary>Checks a visibility timeout or delay (0 to 7 days).</summary>
    public static void ValidateVisibility(TimeSpan value, string name)
    {
        if (value < TimeSpan.Zero || value > MaxVisibility)
        {
            throw new ArgumentOutOfRangeException(name, value, "A visibility timeout or delay is between 0 and 7 days.");
        }
    }

    /// <summary>Checks how many messages one receive asks for (1-32).</summary>
    public static void ValidateBatch(int maxMessages)
    {
        if (maxMessages is < 1 or > 32)
        {
            throw new ArgumentOutOfRangeException(nameof(maxMessages), maxMessages, "A receive asks for 1-32 messages.");
        }
    }
}
