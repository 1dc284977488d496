using MlNetLstm.Data;
using MlNetLstm.Realized;

namespace MlNetLstm.Cli.Backtest;

/// <summary>One series to backtest. <paramref name="Dates"/>: one per return, or null; <paramref name="ExactDate"/>: whether return i's date is exact.</summary>
internal sealed record BacktestSeries(string Name, string Description, double[] Returns, ExogenousSeries? Exogenous = null,
    IReadOnlyList<DateTime>? Dates = null, Func<int, bool>? ExactDate = null, string? DateNote = null, IntradayDays? Intraday = null);
