using System.Globalization;
using System.Text;
using System.Text.Json;
using KpiFunctions.Storage.Tables;

namespace KpiFunctions.Bench.Retired;

/// <summary>
/// Entities as Table service JSON (OData v3, "Payload format for Table service operations"): types JSON cannot
/// carry get an "@odata.type" annotation (Edm.Int64, Edm.DateTime, Edm.Guid, Edm.Binary, Edm.Double); doubles are
/// always written with a decimal point so they read back as doubles, not Int32.
/// </summary>
internal static class TableJson
{
    public static byte[] Write(TableEntity entity)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("PartitionKey", entity.PartitionKey);
            w.WriteString("RowKey", entity.RowKey);
            foreach (var (name, value) in entity.Properties)
            {
                switch (value)
                {
                    case string s:
                        w.WriteString(name, s);
                        break;
                    case int i:
                        w.WriteNumber(name, i);
                        break;
                    case bool b:
                        w.WriteBoolean(name, b);
                        break;
                    case long l:
                        w.WriteString(name + "@odata.type", "Edm.Int64");
                        w.WriteString(name, l.ToString(CultureInfo.InvariantCulture));
                        break;
                    case double d:
                        w.WriteString(name + "@odata.type", "Edm.Double");
                        if (double.IsFinite(d))
                        {
                            var text = d.ToString("R", CultureInfo.InvariantCulture);
                            w.WritePropertyName(name);
                            w.WriteRawValue(text.Contains('.', StringComparison.Ordinal) || text.Contains('E', StringComparison.Ordinal) ? text : text + ".0");
                        }
                        else
                        {
                            w.WriteString(name, double.IsNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
                        }

                        break;
                    case DateTimeOffset dto:
                        w.WriteString(name + "@odata.type", "Edm.DateTime");
                        w.WriteString(name, dto.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
                        break;
                    case Guid g:
                        w.WriteString(name + "@odata.type", "Edm.Guid");
                        w.WriteString(name, g.ToString("D"));
                        break;
                    case byte[] bytes:
                        w.WriteString(name + "@odata.type", "Edm.Binary");
                        w.WriteString(name, Convert.ToBase64String(bytes));
                        break;
                    default:
                        throw new NotSupportedException($"Property type {value.GetType().Name} is not supported.");
                }
            }

            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    public static TableEntity Read(JsonElement e)
    {
        var entity = new TableEntity(e.GetProperty("PartitionKey").GetString()!, e.GetProperty("RowKey").GetString()!);
        foreach (var property in e.EnumerateObject())
        {
            var name = property.Name;
            if (name is "PartitionKey" or "RowKey" || name.StartsWith("odata.", StringComparison.Ordinal) || name.Contains('@', StringComparison.Ordinal))
            {
                if (name == "odata.etag")
                {
                    entity.ETag = property.Value.GetString();
                }

                continue;
            }

            var type = e.TryGetProperty(name + "@odata.type", out var t) ? t.GetString() : null;
            if (name == "Timestamp")
            {
                entity.Timestamp = DateTimeOffset.Parse(property.Value.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
                continue;
            }

            var v = property.Value;
            entity[name] = type switch
            {
                "Edm.Int64" => (object)long.Parse(v.GetString()!, CultureInfo.InvariantCulture),
                "Edm.DateTime" => DateTimeOffset.Parse(v.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal),
                "Edm.Guid" => Guid.Parse(v.GetString()!),
                "Edm.Binary" => Convert.FromBase64String(v.GetString()!),
                "Edm.Double" => v.ValueKind == JsonValueKind.String ? double.Parse(v.GetString()!, CultureInfo.InvariantCulture) : v.GetDouble(),
                _ => v.ValueKind switch
                {
                    JsonValueKind.String => v.GetString(),
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    // Each branch boxed on its own: a nested ternary would unify int and long into double.
                    JsonValueKind.Number => IsDouble(v) ? (object)v.GetDouble() : v.TryGetInt32(out var i) ? (object)i : (object)v.GetInt64(),
                    _ => null,
                },
            };
        }

        return entity;
    }

    private static bool IsDouble(JsonElement number)
    {
        var raw = number.GetRawText();
        return raw.Contains('.', StringComparison.Ordinal) || raw.Contains('e', StringComparison.OrdinalIgnoreCase);
    }

    public static string Key(string value) => Uri.EscapeDataString(value.Replace("'", "''", StringComparison.Ordinal));

    public static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    public static byte[] TableName(string table) => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { TableName = table }));
}
