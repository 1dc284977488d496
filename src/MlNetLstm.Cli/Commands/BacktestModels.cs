using MlNetLstm.Evaluation;
using MlNetLstm.Volatility.Neural;

namespace MlNetLstm.Cli.Commands;

/// <summary>The model line-up of <c>mlnetlstm backtest</c>, with the library's default options.</summary>
internal static class BacktestModels
{
    public static IReadOnlyList<IVarianceModel> Create(IEnumerable<string> names, int seed, bool garchFeature = LstmVolatilityOptions.DefaultGarchFeature,
        VolatilityAnchor anchor = LstmVolatilityOptions.DefaultAnchor)
    {
        var list = new List<IVarianceModel>();
        foreach (string name in names)
        {
            list.Add(name switch
            {
                "lstm-regime" => new LstmVolatilityModel(new LstmVolatilityOptions { RegimeAdaptive = true, Seed = seed, GarchFeature = garchFeature, Anchor = anchor }),
                "lstm" => new LstmVolatilityModel(new LstmVolatilityOptions { RegimeAdaptive = false, Seed = seed, GarchFeature = garchFeature, Anchor = anchor }),
                "garch" => MlNetLstm.Volatility.ArchVarianceModel.Garch(),
                "gjr" => MlNetLstm.Volatility.ArchVarianceModel.Gjr(),
                "ewma" => new MlNetLstm.Volatility.EwmaVarianceModel(),
                "har" => new MlNetLstm.Volatility.Har.HarVarianceModel(),
                "ssa" => new MlNetLstm.Ssa.SsaVarianceModel(),
                _ => throw new ArgumentException($"Model '{name}' is not available in this build."),
            });
        }
        return list;
    }
}
