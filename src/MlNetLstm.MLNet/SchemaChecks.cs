using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;

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

    /// <summary>The input shape plus scalar Double output columns (replacing same-named ones).</summary>
    public static SchemaShape AddDoubleColumns(SchemaShape input, params string[] names)
    {
        var cols = input.Where(c => !names.Contains(c.Name)).ToList();
        foreach (var n in names) cols.Add(DoubleColumn(n));
        return new SchemaShape(cols);
    }

    // SchemaShape.Column has only an internal constructor (ML.NET creates them from its own schemas); we call it by
    // reflection, which is the documented workaround for third-party estimators until ML.NET exposes one.
    private static readonly ConstructorInfo ColumnCtor = typeof(SchemaShape.Column)
        .GetConstructors(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)
        .Single(c => c.GetParameters().Length == 5);

    private static SchemaShape.Column DoubleColumn(string name)
        => (SchemaShape.Column)ColumnCtor.Invoke(new object?[] { name, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.Double, false, null });

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
        var col = RequireNumericColumn(data.Schema, name);
        var list = new List<double>();
        using var cursor = data.GetRowCursor(new[] { col });
        var read = NumericReader(cursor, col);
        while (cursor.MoveNext()) list.Add(read());
        return list.ToArray();
    }
}
