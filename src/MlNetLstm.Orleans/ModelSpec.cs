using MlNetLstm.Evaluation;
using MlNetLstm.Volatility;
using MlNetLstm.Volatility.Neural;

namespace MlNetLstm.Orleans;

/// <summary>
/// The models a grain or a universe backtest can run, by name, with the library's default options: the line-up of
/// <c>mlnetlstm backtest</c> (the CLI builds its models here too, so a series gives the same forecasts on a cluster and alone).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ModelSpec
{
    /// <summary>Every model name known, in table order.</summary>
    public static readonly IReadOnlyList<string> KnownModels = ["lstm-regime", "lstm", "garch", "gjr", "ewma", "har", "ssa"];

    /// <summary>
    /// Model names: each one of <see cref="KnownModels"/> or an ARCH-type specification in the text form of
    /// <see cref="ArchSpecification.Parse"/> (for example <c>garch(2,1)</c>, <c>gjr(1,1,1)-t</c>, <c>egarch(1,1,1)-ged</c>), fitted as an
    /// <see cref="ArchVarianceModel"/> named by that text. Default: lstm-regime.
    /// </summary>
    [Id(0)] public IReadOnlyList<string> Models { get; init; } = ["lstm-regime"];

    /// <summary>Seed of the neural models. Default <see cref="LstmVolatilityOptions.DefaultSeed"/>.</summary>
    [Id(1)] public int Seed { get; init; } = LstmVolatilityOptions.DefaultSeed;

    /// <summary>Networks per LSTM model (N &gt; 1: a seed ensemble, <see cref="LstmVolatilityModel.SeedEnsemble"/>). Default 1.</summary>
    [Id(2)] public int Seeds { get; init; } = 1;

    /// <summary>Forecast horizon k (only used with <see cref="DirectHeads"/>). Default 1.</summary>
    [Id(3)] public int Horizon { get; init; } = 1;

    /// <summary>Feed a GARCH(1,1) forecast to the LSTMs (hybrid LSTM-GARCH). Default <see cref="LstmVolatilityOptions.DefaultGarchFeature"/>.</summary>
    [Id(4)] public bool GarchFeature { get; init; } = LstmVolatilityOptions.DefaultGarchFeature;

    /// <summary>Baseline the LSTMs correct. Default <see cref="LstmVolatilityOptions.DefaultAnchor"/>.</summary>
    [Id(5)] public VolatilityAnchor Anchor { get; init; } = LstmVolatilityOptions.DefaultAnchor;

    /// <summary>Direct heads 1..k for the LSTMs instead of fading the one-step correction. Default false.</summary>
    [Id(6)] public bool DirectHeads { get; init; }

    /// <summary>Form of the regime term in the forget gate. Default <see cref="LstmVolatilityOptions.DefaultRegimeForm"/>.</summary>
    [Id(7)] public RegimeTermForm RegimeForm { get; init; } = LstmVolatilityOptions.DefaultRegimeForm;

    /// <summary>Feed the negative part of the return as an extra input. Default <see cref="LstmVolatilityOptions.DefaultAsymmetricInput"/>.</summary>
    [Id(8)] public bool AsymmetricInput { get; init; } = LstmVolatilityOptions.DefaultAsymmetricInput;

    /// <summary>Shrinkage of the LSTMs' correction toward the anchor. Default <see cref="LstmVolatilityOptions.DefaultShrinkage"/>.</summary>
    [Id(9)] public CorrectionShrinkage Shrinkage { get; init; } = LstmVolatilityOptions.DefaultShrinkage;

    /// <summary>Equal when every option and the model names (in order) are equal.</summary>
    /// <param name="other">The other spec.</param>
    public bool Equals(ModelSpec? other) =>
        other is not null && Seed == other.Seed && Seeds == other.Seeds && Horizon == other.Horizon && GarchFeature == other.GarchFeature
        && Anchor == other.Anchor && DirectHeads == other.DirectHeads && RegimeForm == other.RegimeForm && AsymmetricInput == other.AsymmetricInput
        && Shrinkage == other.Shrinkage
        && (Models ?? []).SequenceEqual(other.Models ?? []);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(string.Join(",", Models ?? []), Seed, Seeds, Horizon, GarchFeature, Anchor, DirectHeads, HashCode.Combine(RegimeForm, AsymmetricInput, Shrinkage));

    /// <summary>Checks the names and counts.</summary>
    /// <exception cref="ArgumentException">An unknown or duplicate model, fewer than one seed, a horizon below 1.</exception>
    public void Validate()
    {
        if (Models is null || Models.Count == 0) throw new ArgumentException("At least one model is required.", nameof(Models));
        foreach (string m in Models) _ = Check(m);
        if (Models.Distinct().Count() != Models.Count) throw new ArgumentException("Model names must be unique.", nameof(Models));
        if (Seeds < 1) throw new ArgumentException($"Seeds is {Seeds}; at least 1.", nameof(Seeds));
        if (Horizon < 1) throw new ArgumentException($"Horizon is {Horizon}; at least 1.", nameof(Horizon));
    }

    /// <summary>The LSTM options for a regime-adaptive (or plain) network under this spec.</summary>
    /// <param name="regimeAdaptive">lstm-regime (true) or lstm (false).</param>
    public LstmVolatilityOptions LstmOptions(bool regimeAdaptive)
    {
        var o = new LstmVolatilityOptions
        {
            RegimeAdaptive = regimeAdaptive, Seed = Seed, GarchFeature = GarchFeature, Anchor = Anchor, RegimeForm = RegimeForm, AsymmetricInput = AsymmetricInput,
            Shrinkage = Shrinkage,
        };
        return DirectHeads ? o with { Horizons = Math.Clamp(Horizon, 1, o.SequenceLength - o.BurnIn) } : o;
    }

    /// <summary>Creates the (unfitted) models, in the order of <see cref="Models"/>.</summary>
    public IReadOnlyList<IVarianceModel> Create()
    {
        Validate();
        return Models.Select(Create).ToList();
    }

    /// <summary>
    /// Checks a model name: one of <see cref="KnownModels"/>, or else a valid ARCH specification (returned); throws
    /// <see cref="ArgumentException"/> naming the model, the bad token and the known names otherwise.
    /// </summary>
    /// <param name="name">The model name.</param>
    /// <returns>The specification, or null for a known name.</returns>
    public static ArchSpecification? Check(string name)
    {
        if (name is not null && KnownModels.Contains(name)) return null;
        if (ArchSpecification.TryParse(name, out var spec, out string? error)) return spec;
        throw new ArgumentException($"Unknown model '{name}': neither one of {string.Join(", ", KnownModels)} nor an ARCH specification such as garch(2,1) or gjr(1,1,1)-t ({error})", nameof(name));
    }

    /// <summary>Creates one (unfitted) model by name.</summary>
    /// <param name="name">One of <see cref="KnownModels"/> or an ARCH specification (<see cref="Check"/>).</param>
    public IVarianceModel Create(string name) => name switch
    {
        "lstm-regime" => Lstm(LstmOptions(true)),
        "lstm" => Lstm(LstmOptions(false)),
        "garch" => ArchVarianceModel.Garch(),
        "gjr" => ArchVarianceModel.Gjr(),
        "ewma" => new EwmaVarianceModel(),
        "har" => new Volatility.Har.HarVarianceModel(),
        "ssa" => new Ssa.SsaVarianceModel(),
        _ => new ArchVarianceModel(name.Trim(), Check(name)!),
    };

    private IVarianceModel Lstm(LstmVolatilityOptions o) => Seeds == 1 ? new LstmVolatilityModel(o) : LstmVolatilityModel.SeedEnsemble(o, Seeds);
}
