using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace MlNetLstm.MLNet;

/// <summary>Schema validation shared by the estimators and transformers (messages name the column and the expected type).</summary>
internal static class SchemaChecks
{
    public const string ExpectedNumeric = "a scalar numeric column of type Double or Single";

    public static DataViewSchema.Column RequireNumericColumn(DataViewSchema schema, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var col = schema.GetColumnOrNull(name)
            ?? throw new ArgumentOutOfRangeException(nameof(schema), $"Input column '{name}' not found; expected {ExpectedNumeric}.");
        if (col.Type != NumberDataViewType.Double && col.Type != NumberDataViewType.Single)
        {
            throw new ArgumentOutOfRangeException(nameof(schema), $"Input column '{name}' has type {col.Type}; expected {ExpectedNumeric}.");
        }

        return col;
    }

    public static void RequireNumericColumn(SchemaShape shape, string name)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var col = shape.FirstOrDefault(c => c.Name == name);
        if (col.Name is null)
        {
            throw new ArgumentOutOfRangeException(nameof(shape), $"Input column '{name}' not found; expected {ExpectedNumeric}.");
        }

        if (col.Kind != SchemaShape.Column.VectorKind.Scalar || col.IsKey
            || (col.ItemType != NumberDataViewType.Double && col.ItemType != NumberDataViewType.Single))
        {
            string kind = col.Kind == SchemaShape.Column.VectorKind.Scalar ? string.Empty : $" {col.Kind}";
            throw new ArgumentOutOfRangeException(nameof(shape), $"Input column '{name}' has type{kind} {col.ItemType}; expected {ExpectedNumeric}.");
        }
    }

    /// <summary>The ML.NET item type of an output kind (Single or Double only).</summary>
    public static NumberDataViewType ItemType(DataKind kind) => kind switch
    {
        DataKind.Single => NumberDataViewType.Single,
        DataKind.Double => NumberDataViewType.Double,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "The output type must be DataKind.Single or DataKind.Double."),
    };

    /// <summary>The column type of an output: a scalar (width 0) or a known-size vector.</summary>
    public static DataViewType ColumnType(DataKind kind, int width)
        => width == 0 ? ItemType(kind) : new VectorDataViewType(ItemType(kind), width);

    /// <summary>The input shape plus the given output columns (replacing same-named ones).</summary>
    public static SchemaShape AddColumns(SchemaShape input, IEnumerable<(string Name, int Width)> outputs, DataKind kind)
    {
        var list = outputs.ToList();
        var cols = input.Where(c => !list.Any(o => o.Name == c.Name)).ToList();
        foreach (var (name, width) in list)
            cols.Add(MakeColumn(name, width == 0 ? SchemaShape.Column.VectorKind.Scalar : SchemaShape.Column.VectorKind.Vector, ItemType(kind)));
        return new SchemaShape(cols);
    }

    // SchemaShape.Column has only an internal constructor (ML.NET creates them from its own schemas); we call it by
    // reflection, the usual workaround for third-party estimators (the tests run every estimator's GetOutputSchema).
    private static readonly ConstructorInfo ColumnCtor = typeof(SchemaShape.Column)
        .GetConstructors(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)
        .SingleOrDefault(c => c.GetParameters().Length == 5)
        ?? throw new MissingMethodException("SchemaShape.Column's 5-argument constructor was not found: this Microsoft.ML version is not supported by MlNetLstm.MLNet.");

    private static SchemaShape.Column MakeColumn(string name, SchemaShape.Column.VectorKind kind, DataViewType itemType)
        => (SchemaShape.Column)ColumnCtor.Invoke(new object?[] { name, kind, itemType, false, null });

    public static Func<double> NumericReader(DataViewRow row, DataViewSchema.Column col)
    {
        if (col.Type == NumberDataViewType.Double)
        {
            var g = row.GetGetter<double>(col);
            return () => { double v = 0; g(ref v); return v; };
        }

        var f = row.GetGetter<float>(col);
        return () => { float v = 0; f(ref v); return v; };
    }

    public static double[] ReadColumn(IDataView data, string name)
    {
        ArgumentNullException.ThrowIfNull(data);
        var col = RequireNumericColumn(data.Schema, name);
        var list = new List<double>();
        using var cursor = data.GetRowCursor(new[] { col });
        var read = NumericReader(cursor, col);
        while (cursor.MoveNext())
        {
            double v = read();
            if (!double.IsFinite(v)) throw new ArgumentException($"Column '{name}' row {list.Count}: value {v} is not finite.", nameof(data));
            list.Add(v);
        }

        if (list.Count == 0) throw new ArgumentException($"Column '{name}' has no rows to fit on.", nameof(data));
        return list.ToArray();
    }

    /// <summary>
    /// A seed from the ML.NET context behind a catalog, as ML.NET's own trainers draw theirs when the options leave it unset
    /// (<c>host.Rand.Next()</c>): deterministic for <c>new MLContext(seed: s)</c>, random for <c>new MLContext()</c>.
    /// </summary>
    public static int SeedFrom(object catalog)
    {
        var env = EnvironmentOf(catalog);
        return env.Register("MlNetLstm").Rand.Next();
    }

    private static IHostEnvironment EnvironmentOf(object catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        if (catalog is IHostEnvironment direct) return direct;
        // Every ML.NET catalog implements the internal IInternalCatalog { IHostEnvironment Environment }.
        foreach (var i in catalog.GetType().GetInterfaces())
        {
            if (i.Name != "IInternalCatalog") continue;
            var p = i.GetProperty("Environment", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
            if (p?.GetValue(catalog) is IHostEnvironment env) return env;
        }

        throw new InvalidOperationException($"Cannot reach the MLContext behind {catalog.GetType().Name} to draw a seed; set the Seed option explicitly.");
    }
}
