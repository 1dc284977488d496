using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetLstm.Features;

namespace MlNetLstm.MLNet;

/// <summary>
/// Fitted (stateless until cursored) featurizer: appends <see cref="SeriesTransformer.OutputColumnName"/> = f(x_1..x_t) computed by the
/// core streaming feature (<see cref="IOnlineFeature"/>) from the numeric column <see cref="SeriesTransformer.InputColumnName"/>.
/// The transform is lazy (computed while cursoring) and order-dependent: it requires sequential cursoring, so the
/// returned view never shuffles and hands out a single cursor. Not a row-to-row mapper (use
/// <see cref="SeriesStreamingEngine"/> for row-at-a-time use). Immutable.
/// </summary>
public sealed class SeriesFeatureTransformer : SeriesTransformer
{
    private readonly Func<IOnlineFeature> _factory;

    internal SeriesFeatureTransformer(string outputColumnName, string inputColumnName, string featureKind,
        IReadOnlyDictionary<string, double> parameters, Func<IOnlineFeature> factory)
        : base(outputColumnName, inputColumnName)
    {
        FeatureKind = featureKind;
        Parameters = parameters;
        _factory = factory;
    }

    /// <summary>Feature identifier ("returns", "ewma-variance", "rolling-variance", "realized-variance").</summary>
    public string FeatureKind { get; }

    /// <summary>The feature's parameters (numeric encoding, used for persistence).</summary>
    public IReadOnlyDictionary<string, double> Parameters { get; }

    private protected override string Description => FeatureKind;

    /// <inheritdoc />
    public override IOnlineFeature CreateOnlineFeature() => _factory();

    internal static SeriesFeatureTransformer Create(string output, string input, string kind, IReadOnlyDictionary<string, double> p)
    {
        Func<IOnlineFeature> factory = kind switch
        {
            FeatureKinds.Returns => () => new OnlineReturns((ReturnKind)(int)p["kind"], p["percent"] != 0, (ReturnTransform)(int)p["transform"]),
            FeatureKinds.EwmaVariance => () => new OnlineEwmaVariance(p["lambda"]),
            FeatureKinds.RollingVariance => () => new OnlineRollingVariance((int)p["window"], p["demean"] != 0),
            FeatureKinds.RealizedVariance => () => new OnlineRealizedVariance((int)p["period"], p["percent"] != 0),
            FeatureKinds.HarComponent => () => new HarComponentFeature((int)p["component"], (int)p["weekly"], (int)p["monthly"]),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), $"Unknown feature kind '{kind}'."),
        };
        factory(); // validates the parameters now rather than at cursoring time
        return new SeriesFeatureTransformer(output, input, kind, p, factory);
    }
}

/// <summary>Trivial estimator for <see cref="SeriesFeatureTransformer"/> (nothing is learned; Fit only checks the schema).</summary>
public sealed class SeriesFeatureEstimator : IEstimator<SeriesFeatureTransformer>
{
    private readonly SeriesFeatureTransformer _transformer;

    internal SeriesFeatureEstimator(SeriesFeatureTransformer transformer) => _transformer = transformer;

    /// <inheritdoc />
    public SeriesFeatureTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        SchemaChecks.RequireNumericColumn(input.Schema, _transformer.InputColumnName);
        return _transformer;
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        SchemaChecks.RequireNumericColumn(inputSchema, _transformer.InputColumnName);
        return SchemaChecks.AddDoubleColumns(inputSchema, _transformer.OutputColumnName);
    }
}

/// <summary>Identifiers of the featurizers.</summary>
public static class FeatureKinds
{
    /// <summary>Returns from prices (<see cref="Features.Returns"/>).</summary>
    public const string Returns = "returns";

    /// <summary>EWMA variance (<see cref="Features.EwmaVariance"/>).</summary>
    public const string EwmaVariance = "ewma-variance";

    /// <summary>Rolling variance (<see cref="Features.RollingVariance"/>).</summary>
    public const string RollingVariance = "rolling-variance";

    /// <summary>One HAR component (daily, weekly or monthly average of a variance proxy; <see cref="Features.HarComponents"/>).</summary>
    public const string HarComponent = "har-component";

    /// <summary>Realized variance (<see cref="Features.RealizedVariance"/>).</summary>
    public const string RealizedVariance = "realized-variance";
}

/// <summary>One component (0 daily, 1 weekly, 2 monthly) of the core <see cref="OnlineHarComponents"/>.</summary>
internal sealed class HarComponentFeature : IOnlineFeature
{
    private readonly OnlineHarComponents _har;
    private readonly int _component;

    public HarComponentFeature(int component, int weekly, int monthly)
    {
        if (component is < 0 or > 2) throw new ArgumentOutOfRangeException(nameof(component), component, "HAR component must be 0 (daily), 1 (weekly) or 2 (monthly).");
        _har = new OnlineHarComponents(weekly, monthly);
        _component = component;
    }

    public int Count => _har.Count;

    public bool IsReady => _har.IsReady;

    public double Update(double x)
    {
        var v = _har.Update(x);
        return _component switch { 0 => v.Daily, 1 => v.Weekly, _ => v.Monthly };
    }

    public void Reset() => _har.Reset();
}
