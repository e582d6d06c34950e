using System.Globalization;

namespace KpiFunctions.Storage.Tables;

/// <summary>
/// A table row: partition key, row key and typed properties. Property values are the Table service's types:
/// string, int, long, double, bool, DateTimeOffset, Guid and byte[]. Decimals are kept as invariant strings,
/// because the service has no decimal type and money must stay exact.
/// </summary>
public sealed class TableEntity
{
    private readonly Dictionary<string, object> _properties = new(StringComparer.Ordinal);

    /// <summary>Creates an entity.</summary>
    public TableEntity(string partitionKey, string rowKey)
    {
        PartitionKey = partitionKey;
        RowKey = rowKey;
    }

    /// <summary>Partition key.</summary>
    public string PartitionKey { get; }

    /// <summary>Row key.</summary>
    public string RowKey { get; }

    /// <summary>Version tag as read, for optimistic concurrency.</summary>
    public string? ETag { get; set; }

    /// <summary>Last modification as recorded by the store.</summary>
    public DateTimeOffset? Timestamp { get; set; }

    /// <summary>The properties (read-only view).</summary>
    public IReadOnlyDictionary<string, object> Properties => _properties;

    /// <summary>Gets or sets a property; setting null removes it.</summary>
    public object? this[string name]
    {
        get => _properties.TryGetValue(name, out var v) ? v : null;
        set
        {
            if (value is null)
            {
                _properties.Remove(name);
                return;
            }

            _properties[name] = value switch
            {
                string or int or long or double or bool or Guid or byte[] => value,
                DateTimeOffset dto => dto.ToUniversalTime(),
                DateTime dt => new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc)),
                decimal d => d.ToString(CultureInfo.InvariantCulture),
                _ => throw new ArgumentException(
                    $"Property '{name}' has type {value.GetType().Name}; tables hold string, int, long, double, bool, DateTimeOffset, Guid, byte[] (decimal is stored as a string).",
                    nameof(value)),
            };
        }
    }

    /// <summary>A string property, or null.</summary>
    public string? GetString(string name) => this[name] as string;

    /// <summary>A 64-bit integer property (an Int32 widens), or null.</summary>
    public long? GetInt64(string name) => this[name] switch
    {
        long l => l,
        int i => i,
        _ => null,
    };

    /// <summary>A 32-bit integer property, or null.</summary>
    public int? GetInt32(string name) => this[name] switch
    {
        int i => i,
        long l when l is >= int.MinValue and <= int.MaxValue => (int)l,
        _ => null,
    };

    /// <summary>A double property, or null.</summary>
    public double? GetDouble(string name) => this[name] as double?;

    /// <summary>A boolean property, or null.</summary>
    public bool? GetBoolean(string name) => this[name] as bool?;

    /// <summary>A date-time property, or null.</summary>
    public DateTimeOffset? GetDateTimeOffset(string name) => this[name] as DateTimeOffset?;

    /// <summary>A decimal kept as an invariant string, or null.</summary>
    public decimal? GetDecimal(string name) =>
        this[name] is string s ? decimal.Parse(s, NumberStyles.Number, CultureInfo.InvariantCulture) : null;

    /// <summary>A shallow copy, with the same ETag.</summary>
    public TableEntity Clone()
    {
        var copy = new TableEntity(PartitionKey, RowKey) { ETag = ETag, Timestamp = Timestamp };
        foreach (var (k, v) in _properties)
        {
            copy._properties[k] = v;
        }

        return copy;
    }
}
