using MlNetLstm.Evaluation;
using MlNetLstm.Volatility.Neural;

namespace MlNetLstm.Cli.Commands;

/// <summary>The model line-up of <c>mlnetlstm backtest</c>, with the library's default options.</summary>
internal static class BacktestModels
{
    /// <summary>
    /// The LSTM options of a backtest at forecast horizon <paramref name="horizon"/>. By default the library's single head
    /// (its one-step correction fades at the anchor's persistence over the k steps); with <paramref name="directHeads"/>,
    /// direct heads 1..k (<see cref="LstmVolatilityOptions.Horizons"/> = k, so the evaluated k-step forecast is a head trained
    /// on u²_{t+k}), capped at SequenceLength - BurnIn (beyond it the last head's correction fades). The single head is the
    /// default because it did better on the bundled real series at k = 5 (README, "Multi-step heads").
    /// </summary>
    public static LstmVolatilityOptions LstmOptions(bool regimeAdaptive, int seed, bool garchFeature, VolatilityAnchor anchor, int horizon, bool directHeads = false,
        RegimeTermForm regimeForm = LstmVolatilityOptions.DefaultRegimeForm, bool asymmetricInput = LstmVolatilityOptions.DefaultAsymmetricInput,
        CorrectionShrinkage shrinkage = LstmVolatilityOptions.DefaultShrinkage)
        => Spec([], seed, garchFeature, anchor, horizon, directHeads, 1, regimeForm, asymmetricInput, shrinkage).LstmOptions(regimeAdaptive);

    /// <summary>The line-up as a <see cref="MlNetLstm.Orleans.ModelSpec"/>: the models are built there, so a series gives the same
    /// forecasts in-process and on an Orleans cluster.</summary>
    public static MlNetLstm.Orleans.ModelSpec Spec(IEnumerable<string> names, int seed, bool garchFeature, VolatilityAnchor anchor, int horizon, bool directHeads, int seeds,
        RegimeTermForm regimeForm = LstmVolatilityOptions.DefaultRegimeForm, bool asymmetricInput = LstmVolatilityOptions.DefaultAsymmetricInput,
        CorrectionShrinkage shrinkage = LstmVolatilityOptions.DefaultShrinkage) => new()
    {
        Models = names.ToArray(), Seed = seed, GarchFeature = garchFeature, Anchor = anchor, Horizon = horizon, DirectHeads = directHeads, Seeds = seeds,
        RegimeForm = regimeForm, AsymmetricInput = asymmetricInput, Shrinkage = shrinkage,
    };

    /// <summary>The most direct heads the default LSTM options allow: SequenceLength - BurnIn.</summary>
    public static int MaxHorizons(LstmVolatilityOptions o) => o.SequenceLength - o.BurnIn;

    public static IReadOnlyList<IVarianceModel> Create(IEnumerable<string> names, int seed, bool garchFeature = LstmVolatilityOptions.DefaultGarchFeature,
        VolatilityAnchor anchor = LstmVolatilityOptions.DefaultAnchor, int horizon = 1, bool directHeads = false, int seeds = 1,
        RegimeTermForm regimeForm = LstmVolatilityOptions.DefaultRegimeForm, bool asymmetricInput = LstmVolatilityOptions.DefaultAsymmetricInput,
        CorrectionShrinkage shrinkage = LstmVolatilityOptions.DefaultShrinkage)
    {
        var spec = Spec(names, seed, garchFeature, anchor, horizon, directHeads, seeds, regimeForm, asymmetricInput, shrinkage);
        foreach (string name in spec.Models) _ = MlNetLstm.Orleans.ModelSpec.Check(name);
        return spec.Models.Select(spec.Create).ToList();
    }

    /// <summary>
    /// The models of <c>backtest --intraday</c>: lstm-regime and lstm on realized variance (<see cref="MlNetLstm.Realized.RealizedLstmVarianceModel"/>,
    /// same options and seed ensembles as the daily backtest), har-rv and log-har on RV, ewma-rv, and the return-only models by their daily names.
    /// </summary>
    public static IReadOnlyList<IVarianceModel> CreateRealized(IEnumerable<string> names, int seed, bool garchFeature = LstmVolatilityOptions.DefaultGarchFeature,
        VolatilityAnchor anchor = LstmVolatilityOptions.DefaultAnchor, int horizon = 1, bool directHeads = false, int seeds = 1,
        RegimeTermForm regimeForm = LstmVolatilityOptions.DefaultRegimeForm, bool asymmetricInput = LstmVolatilityOptions.DefaultAsymmetricInput,
        CorrectionShrinkage shrinkage = LstmVolatilityOptions.DefaultShrinkage)
    {
        var list = new List<IVarianceModel>();
        foreach (string name in names)
        {
            list.Add(name switch
            {
                "lstm-regime" or "lstm" => RealizedLstm(LstmOptions(name == "lstm-regime", seed, garchFeature, anchor, horizon, directHeads, regimeForm, asymmetricInput, shrinkage), seeds),
                "har-rv" => new MlNetLstm.Realized.RealizedHarVarianceModel(log: false),
                "log-har" => new MlNetLstm.Realized.RealizedHarVarianceModel(log: true),
                "ewma-rv" => new MlNetLstm.Realized.RealizedEwmaVarianceModel(),
                _ => Create([name], seed, garchFeature, anchor, horizon, directHeads, seeds, regimeForm, asymmetricInput, shrinkage)[0],
            });
        }
        return list;
    }

    private static IVarianceModel RealizedLstm(LstmVolatilityOptions o, int seeds) =>
        seeds == 1 ? new MlNetLstm.Realized.RealizedLstmVarianceModel(o) : MlNetLstm.Realized.RealizedLstmVarianceModel.SeedEnsemble(o, seeds);
}
