namespace MlNetLstm.Evaluation;

/// <summary>Summary of a VaR backtest. Immutable.</summary>
/// <param name="Alpha">Nominal tail probability α (e.g. 0.01).</param>
/// <param name="Observations">Number of days n.</param>
/// <param name="Violations">Number of hits x (returns below the VaR quantile).</param>
/// <param name="HitRate">x / n.</param>
/// <param name="N00">Transitions no-hit → no-hit.</param>
/// <param name="N01">Transitions no-hit → hit.</param>
/// <param name="N10">Transitions hit → no-hit.</param>
/// <param name="N11">Transitions hit → hit.</param>
/// <param name="Kupiec">Kupiec (1995) unconditional coverage test, χ²(1).</param>
/// <param name="Independence">Christoffersen (1998) Markov independence test, χ²(1).</param>
/// <param name="ConditionalCoverage">Christoffersen conditional coverage test LR_uc + LR_ind, χ²(2).</param>
public sealed record VarBacktestResult(double Alpha, int Observations, int Violations, double HitRate,
    int N00, int N01, int N10, int N11, LikelihoodRatioTest Kupiec, LikelihoodRatioTest Independence, LikelihoodRatioTest ConditionalCoverage);
