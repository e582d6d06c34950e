using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using global::Azure.Core;
using global::Azure.Core.Pipeline;
using KpiFunctions.Storage.Tables;

namespace KpiFunctions.Bench.Retired;

/// <summary>
/// <see cref="ITableStore"/> on Azure Table Storage (or Azurite) over the REST API (OData JSON), on an Azure.Core
/// pipeline with SharedKeyLite signing, a SAS or Microsoft Entra ID bearer tokens. Lost races and missing rows are values; other refusals throw
/// <see cref="StorageRequestException"/> with status, error code and request id.
/// </summary>
public sealed partial class AzureTableStore : ITableStore
{
    private const string Accept = "application/json;odata=minimalmetadata";
    private static readonly RequestMethod Merge = new("MERGE");
    private readonly HttpPipeline _pipeline;
    private readonly string _endpoint;
    private readonly string _version;

    /// <summary>Creates a store from a connection string.</summary>
    public AzureTableStore(string connectionString, AzureBlobStoreOptions? options = null)
        : this(StorageAccount.Parse(connectionString), options)
    {
    }

    /// <summary>Creates a store on an account (key, SAS or token credential).</summary>
    public AzureTableStore(StorageAccount account, AzureBlobStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(account);
        var parsed = account;
        options ??= new AzureBlobStoreOptions();
        _version = options.ServiceVersion;
        _endpoint = parsed.TableEndpoint.ToString().TrimEnd('/');
        _pipeline = HttpPipelineBuilder.Build(options, parsed.TableAuthorization(options.Time));
    }

    /// <inheritdoc />
    public async Task CreateTableIfNotExistsAsync(string table, CancellationToken cancellationToken = default)
    {
        TableRules.ValidateTableName(table);
        using var message = Create(RequestMethod.Post, "/Tables");
        message.Request.Headers.SetValue("Prefer", "return-no-content");
        message.Request.Content = RequestContent.Create(TableJson.TableName(table));
        await SendAsync(message, $"Create table {table}", [201, 204, 409], cancellationToken, conflictCode: "TableAlreadyExists").ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<TableEntity?> GetEntityAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default)
    {
        using var message = Create(RequestMethod.Get, EntityPath(table, partitionKey, rowKey));
        var status = await SendAsync(message, $"Get {table}/{partitionKey}/{rowKey}", [200, 404], cancellationToken, table).ConfigureAwait(false);
        if (status == 404)
        {
            return null;
        }

        using var doc = JsonDocument.Parse(message.Response.Content.ToMemory());
        var entity = TableJson.Read(doc.RootElement);
        entity.ETag = message.Response.Headers.TryGetValue("ETag", out var etag) ? etag : entity.ETag;
        return entity;
    }

    /// <inheritdoc />
    public async Task<TableWriteResult> AddEntityAsync(string table, TableEntity entity, CancellationToken cancellationToken = default)
    {
        TableRules.ValidateEntity(entity);
        using var message = Create(RequestMethod.Post, "/" + table);
        message.Request.Headers.SetValue("Prefer", "return-no-content");
        message.Request.Content = RequestContent.Create(TableJson.Write(entity));
        var status = await SendAsync(message, $"Insert {table}/{entity.PartitionKey}/{entity.RowKey}", [201, 204, 409], cancellationToken, table, conflictCode: "EntityAlreadyExists").ConfigureAwait(false);
        return status == 409 ? new TableWriteResult(TableWriteStatus.Conflict, null) : Written(message);
    }

    /// <inheritdoc />
    public async Task<TableWriteResult> UpsertEntityAsync(string table, TableEntity entity, TableUpdateMode mode = TableUpdateMode.Replace, CancellationToken cancellationToken = default)
    {
        TableRules.ValidateEntity(entity);
        using var message = Create(mode == TableUpdateMode.Merge ? Merge : RequestMethod.Put, EntityPath(table, entity.PartitionKey, entity.RowKey));
        message.Request.Content = RequestContent.Create(TableJson.Write(entity));
        await SendAsync(message, $"Upsert {table}/{entity.PartitionKey}/{entity.RowKey}", [204], cancellationToken, table).ConfigureAwait(false);
        return Written(message);
    }

    /// <inheritdoc />
    public async Task<TableWriteResult> UpdateEntityAsync(string table, TableEntity entity, string ifMatch, TableUpdateMode mode = TableUpdateMode.Replace, CancellationToken cancellationToken = default)
    {
        TableRules.ValidateEntity(entity);
        ArgumentException.ThrowIfNullOrEmpty(ifMatch);
        using var message = Create(mode == TableUpdateMode.Merge ? Merge : RequestMethod.Put, EntityPath(table, entity.PartitionKey, entity.RowKey));
        message.Request.Headers.SetValue("If-Match", ifMatch);
        message.Request.Content = RequestContent.Create(TableJson.Write(entity));
        var status = await SendAsync(message, $"Update {table}/{entity.PartitionKey}/{entity.RowKey}", [204, 404, 412], cancellationToken, table).ConfigureAwait(false);
        return status switch
        {
            404 => new TableWriteResult(TableWriteStatus.NotFound, null),
            412 => new TableWriteResult(TableWriteStatus.PreconditionFailed, null),
            _ => Written(message),
        };
    }

    /// <inheritdoc />
    public async Task<bool> DeleteEntityAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default)
    {
        using var message = Create(RequestMethod.Delete, EntityPath(table, partitionKey, rowKey));
        message.Request.Headers.SetValue("If-Match", "*");
        var status = await SendAsync(message, $"Delete {table}/{partitionKey}/{rowKey}", [204, 404], cancellationToken, table).ConfigureAwait(false);
        return status == 204;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<TableEntity> QueryAsync(string table, TableQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        TableRules.ValidateTableName(table);
        var filter = Filter(query);
        string? nextPartition = null, nextRow = null;
        var returned = 0;
        do
        {
            var q = new StringBuilder();
            if (filter.Length > 0)
            {
                q.Append("$filter=").Append(Uri.EscapeDataString(filter)).Append('&');
            }

            if (query.Top is { } top)
            {
                q.Append("$top=").Append(Math.Min(top - returned, 1000)).Append('&');
            }

            if (nextPartition is not null)
            {
                q.Append("NextPartitionKey=").Append(Uri.EscapeDataString(nextPartition)).Append('&');
                if (nextRow is not null)
                {
                    q.Append("NextRowKey=").Append(Uri.EscapeDataString(nextRow)).Append('&');
                }
            }

            using var message = Create(RequestMethod.Get, "/" + table + "()" + (q.Length > 0 ? "?" + q.ToString().TrimEnd('&') : ""));
            await SendAsync(message, $"Query {table}", [200], cancellationToken, table).ConfigureAwait(false);
            using var doc = JsonDocument.Parse(message.Response.Content.ToMemory());
            foreach (var e in doc.RootElement.GetProperty("value").EnumerateArray())
            {
                yield return TableJson.Read(e);
                if (query.Top is { } limit && ++returned >= limit)
                {
                    yield break;
                }
            }

            nextPartition = message.Response.Headers.TryGetValue("x-ms-continuation-NextPartitionKey", out var np) ? np : null;
            nextRow = message.Response.Headers.TryGetValue("x-ms-continuation-NextRowKey", out var nr) ? nr : null;
        }
        while (nextPartition is not null);
    }

    /// <inheritdoc />
    public async Task SubmitTransactionAsync(string table, IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actions);
        if (actions.Count == 0)
        {
            return;
        }

        var partition = TableRules.ValidateTransaction(actions);

        // Entity group transaction ("Performing entity group transactions"): one changeset in a multipart/mixed batch.
        var batch = "batch_" + Guid.NewGuid().ToString("N");
        var changeset = "changeset_" + Guid.NewGuid().ToString("N");
        var body = new StringBuilder();
        body.Append("--").Append(batch).Append("\r\nContent-Type: multipart/mixed; boundary=").Append(changeset).Append("\r\n\r\n");
        foreach (var action in actions)
        {
            var url = _endpoint + EntityPath(table, action.Entity.PartitionKey, action.Entity.RowKey);
            var method = action.Kind == TableTransactionKind.Delete ? "DELETE" : action.Mode == TableUpdateMode.Merge ? "MERGE" : "PUT";
            body.Append("--").Append(changeset).Append("\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n");
            body.Append(method).Append(' ').Append(url).Append(" HTTP/1.1\r\nAccept: ").Append(Accept).Append("\r\nDataServiceVersion: 3.0\r\n");
            if (action.Kind == TableTransactionKind.Delete)
            {
                body.Append("If-Match: *\r\n\r\n");
            }
            else
            {
                body.Append("Content-Type: application/json\r\n\r\n").Append(Encoding.UTF8.GetString(TableJson.Write(action.Entity))).Append("\r\n");
            }
        }

        body.Append("--").Append(changeset).Append("--\r\n--").Append(batch).Append("--\r\n");
        using var message = Create(RequestMethod.Post, "/$batch");
        message.Request.Headers.SetValue("Content-Type", "multipart/mixed; boundary=" + batch);
        message.Request.Content = RequestContent.Create(Encoding.UTF8.GetBytes(body.ToString()));
        await SendAsync(message, $"Transaction on {table}/{partition}", [202], cancellationToken, table).ConfigureAwait(false);
        var response = message.Response.Content.ToString();
        foreach (Match m in InnerStatus().Matches(response))
        {
            var status = int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            if (status >= 400)
            {
                var code = ErrorCode().Match(response) is { Success: true } c ? c.Groups[1].Value : null;
                throw new StorageRequestException($"Transaction on {table}/{partition}", status, code, null);
            }
        }
    }

    private static string Filter(TableQuery q)
    {
        var parts = new List<string>();
        void Add(string field, string op, string? value)
        {
            if (value is not null)
            {
                parts.Add($"{field} {op} {TableJson.Literal(value)}");
            }
        }

        Add("PartitionKey", "eq", q.PartitionKey);
        Add("PartitionKey", "ge", q.PartitionKeyFrom);
        Add("PartitionKey", "le", q.PartitionKeyTo);
        Add("RowKey", "ge", q.RowKeyFrom);
        Add("RowKey", "le", q.RowKeyTo);
        return string.Join(" and ", parts);
    }

    private static string EntityPath(string table, string partitionKey, string rowKey)
    {
        TableRules.ValidateTableName(table);
        return $"/{table}(PartitionKey='{TableJson.Key(partitionKey)}',RowKey='{TableJson.Key(rowKey)}')";
    }

    private HttpMessage Create(RequestMethod method, string path)
    {
        var message = _pipeline.CreateMessage();
        message.Request.Method = method;
        message.Request.Uri.Reset(new Uri(_endpoint + path));
        message.Request.Headers.SetValue("x-ms-version", _version);
        message.Request.Headers.SetValue("Accept", Accept);
        message.Request.Headers.SetValue("DataServiceVersion", "3.0");
        message.Request.Headers.SetValue("MaxDataServiceVersion", "3.0");
        message.Request.Headers.SetValue("Content-Type", "application/json");
        return message;
    }

    private static TableWriteResult Written(HttpMessage message) =>
        new(TableWriteStatus.Succeeded, message.Response.Headers.TryGetValue("ETag", out var etag) ? etag : null);

    /// <summary>Sends; returns the status when expected. A 409 counts as expected only with <paramref name="conflictCode"/>, when one is given.</summary>
    private async Task<int> SendAsync(HttpMessage message, string operation, int[] expected, CancellationToken cancellationToken, string? table = null, string? conflictCode = null)
    {
        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        var status = message.Response.Status;
        var headers = message.Response.Headers;
        var code = headers.TryGetValue("x-ms-error-code", out var c) ? c : null;

        // A 404 means "no such entity" only when the table exists.
        if (status == 404 && table is not null && code == "TableNotFound")
        {
            throw new InvalidOperationException($"Table '{table}' does not exist; create it first (CreateTableIfNotExistsAsync).");
        }

        if (expected.Contains(status) && (status != 409 || conflictCode is null || code == conflictCode))
        {
            return status;
        }

        throw new StorageRequestException(operation, status, code, headers.TryGetValue("x-ms-request-id", out var id) ? id : null);
    }

    [GeneratedRegex(@"HTTP/1\.1 (\d{3})")]
    private static partial Regex InnerStatus();

    [GeneratedRegex("\"code\"\\s*:\\s*\"([^\"]+)\"")]
    private static partial Regex ErrorCode();
}
