using System.Globalization;
using System.Text;
using System.Text.Json;
using KpiFunctions.Storage.Tables;

namespace KpiFunctions.Storage.Embedded;

/// <summary>
/// Encodes entity properties as JSON pairs of [EDM type, value text] so each value reads back with the type it
/// was written with (the same types as the Table service's OData annotations).
/// </summary>
internal static class TablePropertyCodec
{
    public static string Encode(TableEntity entity)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            foreach (var (name, value) in entity.Properties.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                w.WriteStartArray(name);
                var (type, text) = value switch
                {
                    string s => ("Edm.String", s),
                    int i => ("Edm.Int32", i.ToString(CultureInfo.InvariantCulture)),
                    long l => ("Edm.Int64", l.ToString(CultureInfo.InvariantCulture)),
                    double d => ("Edm.Double", d.ToString("R", CultureInfo.InvariantCulture)),
                    bool b => ("Edm.Boolean", b ? "true" : "false"),
                    DateTimeOffset dto => ("Edm.DateTime", dto.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)),
                    Guid g => ("Edm.Guid", g.ToString("D")),
                    byte[] bytes => ("Edm.Binary", Convert.ToBase64String(bytes)),
                    _ => throw new NotSupportedException($"Property type {value.GetType().Name} is not supported."),
                };
                w.WriteStringValue(type);
                w.WriteStringValue(text);
                w.WriteEndArray();
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static void Decode(string json, TableEntity entity)
    {
        using var doc = JsonDocument.Parse(json);
        foreach (var property in doc.RootElement.EnumerateObject())
        {
            var type = property.Value[0].GetString();
            var text = property.Value[1].GetString()!;
            entity[property.Name] = type switch
            {
                "Edm.String" => text,
                "Edm.Int32" => int.Parse(text, CultureInfo.InvariantCulture),
                "Edm.Int64" => long.Parse(text, CultureInfo.InvariantCulture),
                "Edm.Double" => double.Parse(text, CultureInfo.InvariantCulture),
                "Edm.Boolean" => text == "true",
                "Edm.DateTime" => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
                "Edm.Guid" => Guid.Parse(text),
                "Edm.Binary" => Convert.FromBase64String(text),
                _ => throw new InvalidDataException($"Entity {entity.PartitionKey}/{entity.RowKey}: property '{property.Name}' has unknown type '{type}'."),
            };
        }
    }
}
