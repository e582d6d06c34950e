using System.Text.RegularExpressions;

namespace KpiFunctions.Storage.Tables;

/// <summary>
/// The Table service's limits (Azure docs, "Understanding the Table service data model"), checked the same way by
/// every implementation so the embedded store accepts nothing Azure would refuse.
/// </summary>
public static partial class TableRules
{
    /// <summary>Most operations in one entity group transaction.</summary>
    public const int MaxTransactionActions = 100;

    /// <summary>Most custom properties (255 minus PartitionKey, RowKey, Timestamp).</summary>
    public const int MaxProperties = 252;

    /// <summary>Longest key, in characters (1 KiB).</summary>
    public const int MaxKeyLength = 1024;

    /// <summary>Throws unless the table name is 3-63 alphanumerics starting with a letter.</summary>
    public static string ValidateTableName(string table)
    {
        if (table is null || !TableName().IsMatch(table))
        {
            throw new ArgumentException($"Table name '{table}' must be 3-63 letters and digits, starting with a letter.", nameof(table));
        }

        return table;
    }

    /// <summary>Throws unless a key has no '/', '\', '#', '?' or control characters and fits the size limit.</summary>
    public static void ValidateKey(string key, string which)
    {
        ArgumentNullException.ThrowIfNull(key, which);
        if (key.Length > MaxKeyLength)
        {
            throw new ArgumentException($"{which} is {key.Length} characters; the limit is {MaxKeyLength}.", which);
        }

        foreach (var c in key)
        {
            if (c is '/' or '\\' or '#' or '?' || char.IsControl(c))
            {
                throw new ArgumentException($"{which} '{key}' contains '{(char.IsControl(c) ? $"U+{(int)c:X4}" : c.ToString())}', which tables forbid in keys.", which);
            }
        }
    }

    /// <summary>Throws unless the entity's keys, property names and count are valid.</summary>
    public static void ValidateEntity(TableEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        ValidateKey(entity.PartitionKey, "PartitionKey");
        ValidateKey(entity.RowKey, "RowKey");
        if (entity.Properties.Count > MaxProperties)
        {
            throw new ArgumentException(
                $"Entity {entity.PartitionKey}/{entity.RowKey} has {entity.Properties.Count} properties; the limit is {MaxProperties}.", nameof(entity));
        }

        foreach (var name in entity.Properties.Keys)
        {
            if (!PropertyName().IsMatch(name) || name is "PartitionKey" or "RowKey" or "Timestamp")
            {
                throw new ArgumentException(
                    $"Entity {entity.PartitionKey}/{entity.RowKey}: property name '{name}' must be a C# identifier of at most 255 characters and not a system property.",
                    nameof(entity));
            }
        }
    }

    /// <summary>
    /// Throws unless a transaction has at most 100 operations, all on one partition, each row once, each entity
    /// valid; returns the partition key. (Entity group transactions, "Performing entity group transactions".)
    /// </summary>
    public static string ValidateTransaction(IReadOnlyList<TableTransactionAction> actions)
    {
        ArgumentNullException.ThrowIfNull(actions);
        if (actions.Count > MaxTransactionActions)
        {
            throw new ArgumentException($"A transaction holds at most {MaxTransactionActions} operations; got {actions.Count}. Split it by partition into chunks.", nameof(actions));
        }

        var partition = actions.Count > 0 ? actions[0].Entity.PartitionKey : "";
        var rows = new HashSet<string>(StringComparer.Ordinal);
        foreach (var action in actions)
        {
            ValidateEntity(action.Entity);
            if (!string.Equals(action.Entity.PartitionKey, partition, StringComparison.Ordinal))
            {
                throw new ArgumentException($"A transaction must stay in one partition; found '{partition}' and '{action.Entity.PartitionKey}'.", nameof(actions));
            }

            if (!rows.Add(action.Entity.RowKey))
            {
                throw new ArgumentException($"Row '{action.Entity.RowKey}' appears twice in one transaction.", nameof(actions));
            }
        }

        return partition;
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    private static partial Regex TableName();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,254}$")]
    private static partial Regex PropertyName();
}
