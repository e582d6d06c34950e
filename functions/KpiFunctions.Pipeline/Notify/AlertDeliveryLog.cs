using KpiFunctions.Storage.Tables;

namespace KpiFunctions.Pipeline.Notify;

/// <summary>The outcome of each run's messages in KpiAlertDeliveries: partition = run id, row = channel.</summary>
public sealed class AlertDeliveryLog(ITableStore tables)
{
    /// <summary>Records (or replaces) the outcomes of a run's messages.</summary>
    public Task SaveAsync(string runId, IEnumerable<WebhookDelivery> deliveries, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        ArgumentNullException.ThrowIfNull(deliveries);
        return tables.SubmitInChunksAsync(TableNames.AlertDeliveries, deliveries.Select(d => new TableTransactionAction(TableTransactionKind.Upsert, new TableEntity(runId, d.Channel)
        {
            ["Format"] = d.Format.ToString(),
            ["Host"] = d.Host,
            ["Status"] = d.Status.ToString(),
            ["Attempts"] = d.Attempts,
            ["LastHttpStatus"] = d.LastHttpStatus,
            ["Error"] = d.Error,
            ["Alerts"] = d.Alerts,
            ["AtUtc"] = d.AtUtc,
        })), cancellationToken);
    }

    /// <summary>A run's outcomes, by channel name.</summary>
    public async Task<IReadOnlyList<WebhookDelivery>> ListAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        var deliveries = new List<WebhookDelivery>();
        await foreach (var e in tables.QueryAsync(TableNames.AlertDeliveries, TableQuery.Partition(runId), cancellationToken).ConfigureAwait(false))
        {
            deliveries.Add(new WebhookDelivery(
                e.RowKey,
                Enum.TryParse<WebhookFormat>(e.GetString("Format"), out var format) ? format : throw new InvalidDataException($"{TableNames.AlertDeliveries} {runId}/{e.RowKey}: format '{e.GetString("Format")}' is not one we write."),
                e.GetString("Host"),
                Enum.TryParse<DeliveryStatus>(e.GetString("Status"), out var status) ? status : throw new InvalidDataException($"{TableNames.AlertDeliveries} {runId}/{e.RowKey}: status '{e.GetString("Status")}' is not one we write."),
                e.GetInt32("Attempts") ?? 0,
                e.GetInt32("LastHttpStatus"),
                e.GetString("Error"),
                e.GetInt32("Alerts") ?? 0,
                e.GetDateTimeOffset("AtUtc") ?? e.Timestamp ?? DateTimeOffset.MinValue));
        }

        return [.. deliveries.OrderBy(d => d.Channel, StringComparer.Ordinal)];
    }
}
