namespace KpiFunctions.Pipeline.PowerBi;

/// <summary>A column of the Power BI model, loaded from a Parquet column of the same name.</summary>
/// <param name="Name">Column name (the Parquet column's).</param>
/// <param name="DataType">TMDL data type: string, int64, decimal, double, dateTime or boolean.</param>
/// <param name="Description">What it holds.</param>
/// <param name="Hidden">Hidden from report authors (keys and the facts' raw figures, which measures show).</param>
/// <param name="IsKey">The table's key (the one side of relationships).</param>
/// <param name="FormatString">Display format, or null for the default.</param>
/// <param name="SortBy">Column this one sorts by, or null.</param>
/// <param name="Source">The Parquet column it loads, when the model names it differently (a measure has its name).</param>
public sealed record ModelColumn(string Name, string DataType, string Description, bool Hidden, bool IsKey = false, string? FormatString = null, string? SortBy = null, string? Source = null)
{
    /// <summary>The Parquet column it loads.</summary>
    public string SourceColumn => Source ?? Name;

    /// <summary>The Power Query type the partition gives the column (it must agree with <see cref="DataType"/>).</summary>
    public string MType => DataType switch
    {
        "string" => "type text",
        "int64" => "Int64.Type",
        "decimal" => "Currency.Type",
        "double" => "type number",
        "dateTime" => "type date",
        "boolean" => "type logical",
        _ => throw new NotSupportedException($"Column {Name} has the data type {DataType}, which the template does not load."),
    };
}

/// <summary>A DAX measure.</summary>
/// <param name="Name">Name, unique in the model.</param>
/// <param name="Expression">DAX.</param>
/// <param name="FormatString">Display format.</param>
/// <param name="Folder">Display folder.</param>
/// <param name="Description">What it means (shown as the field's tooltip).</param>
/// <param name="NameZh">Chinese caption (zh-CN culture), or null to show the name.</param>
/// <param name="Hidden">Hidden from report authors (the base measures KPIs are built from).</param>
public sealed record ModelMeasure(string Name, string Expression, string FormatString, string Folder, string Description, string? NameZh, bool Hidden = false);

/// <summary>A table of the model: a semantic Parquet table, or the measures-only KPI table.</summary>
/// <param name="Name">Table name (the semantic table's).</param>
/// <param name="Description">What a row is.</param>
/// <param name="NameZh">Chinese caption.</param>
/// <param name="Columns">Columns in load order.</param>
/// <param name="Measures">Measures homed on the table.</param>
/// <param name="Partition">The partition's Power Query source.</param>
/// <param name="IsDateTable">Marked as the model's date table.</param>
/// <param name="FromManifest">Loaded from the semantic manifest's files (false for the measures table).</param>
public sealed record ModelTable(string Name, string Description, string NameZh, IReadOnlyList<ModelColumn> Columns, IReadOnlyList<ModelMeasure> Measures, string Partition, bool IsDateTable, bool FromManifest);

/// <summary>A many-to-one, single-direction relationship from a fact column to a dimension key.</summary>
/// <param name="FromTable">Many side.</param>
/// <param name="FromColumn">Many side's column.</param>
/// <param name="ToTable">One side.</param>
/// <param name="ToColumn">One side's key.</param>
public sealed record ModelRelationship(string FromTable, string FromColumn, string ToTable, string ToColumn)
{
    /// <summary>Relationship name (unique: one relationship per fact column).</summary>
    public string Name => $"{FromTable}_{FromColumn}_{ToTable}";
}

/// <summary>The whole model.</summary>
/// <param name="Tables">Tables in display order.</param>
/// <param name="Relationships">Relationships.</param>
/// <param name="FolderZh">Chinese names of the display folders.</param>
public sealed record PowerBiModel(IReadOnlyList<ModelTable> Tables, IReadOnlyList<ModelRelationship> Relationships, IReadOnlyDictionary<string, string> FolderZh)
{
    /// <summary>Every measure, with the table it lives on.</summary>
    public IEnumerable<(ModelTable Table, ModelMeasure Measure)> Measures => Tables.SelectMany(t => t.Measures.Select(m => (t, m)));
}
