using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using MlNetLstm.Cli.Backtest;
using MlNetLstm.Data;
using MlNetLstm.Volatility;
using MlNetLstm.Cli.Text;

namespace MlNetLstm.Cli.Commands;

/// <summary>
/// <c>mlnetlstm garch</c>: maximum-likelihood fit of a GARCH-family model to one CSV column, with Hessian and robust
/// standard errors; JSON output is one object with parameters, standard errors, log-likelihood and the median fit time.
/// </summary>
internal static class GarchCommand
{
    internal sealed record Settings(string Data, string Column, string Model, string Distribution, string Mean, int Repeat, string Format, string? DateColumn);

    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "CSV file with a header row.", Required = true };
        var column = new Option<string>("--column") { Description = "Name of the return column.", Required = true };
        var dateColumn = new Option<string?>("--date-column") { Description = "Date column, checked for order and duplicates (default: a column named 'date', if any)." };
        var model = new Option<string>("--model") { Description = "Volatility process.", DefaultValueFactory = _ => "garch" };
        model.AcceptOnlyFromAmong("garch", "gjr", "egarch");
        var dist = new Option<string>("--dist") { Description = "Innovation distribution.", DefaultValueFactory = _ => "normal" };
        dist.AcceptOnlyFromAmong("normal", "t", "skewt", "ged");
        var mean = new Option<string>("--mean") { Description = "Mean model.", DefaultValueFactory = _ => "constant" };
        mean.AcceptOnlyFromAmong("zero", "constant", "ar1");
        var repeat = new Option<int>("--repeat") { Description = "Fit N times in-process and report the median time of one fit.", DefaultValueFactory = _ => 1 };
        var format = new Option<string>("--format") { Description = "Output format.", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var command = new Command("garch", "Fit a GARCH / GJR / EGARCH model by maximum likelihood and print a summary like Python arch's (estimates, robust and Hessian standard errors, t, p, log-likelihood, AIC/BIC, convergence). Exit code 3 when the fit did not converge.");
        foreach (Option o in new Option[] { data, column, dateColumn, model, dist, mean, repeat, format }) command.Options.Add(o);
        command.SetAction(pr => Run(new Settings(pr.GetValue(data)!, pr.GetValue(column)!, pr.GetValue(model)!, pr.GetValue(dist)!,
            pr.GetValue(mean)!, pr.GetValue(repeat), pr.GetValue(format)!, pr.GetValue(dateColumn)), Console.Out, Console.Error));
        return command;
    }

    internal static int Run(Settings s, TextWriter stdout, TextWriter stderr)
    {
        double[] returns;
        try
        {
            if (s.Repeat < 1) throw new ArgumentException($"--repeat must be at least 1 (got {s.Repeat}).");
            string? dateColumn = s.DateColumn ?? BacktestData.DetectDateColumn(s.Data);
            returns = CsvSeriesReader.ReadFile(s.Data, s.Column, new CsvSeriesOptions { DateColumn = dateColumn }).ToArray();
            MlNetLstm.Evaluation.ReturnScale.Check(returns, $"--column {s.Column}");
        }
        catch (Exception ex) when (ex is ArgumentException or CsvFormatException or FileNotFoundException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"error: {CliErrors.Text(ex)}");
            return 2;
        }

        ArchFitResult fit;
        var times = new double[s.Repeat];
        try
        {
            ArchModel archModel = Arch.Create(returns, s.Mean, s.Model, s.Distribution);
            fit = archModel.Fit();
            if (s.Repeat > 1)
            {
                for (int i = 0; i < s.Repeat; i++)
                {
                    long start = Stopwatch.GetTimestamp();
                    fit = Arch.Create(returns, s.Mean, s.Model, s.Distribution).Fit();
                    times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                }
            }
            else
            {
                long start = Stopwatch.GetTimestamp();
                fit = Arch.Create(returns, s.Mean, s.Model, s.Distribution).Fit();
                times[0] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or ArithmeticException)
        {
            stderr.WriteLine($"error: {CliErrors.Text(ex)}");
            return 2;
        }
        Array.Sort(times);
        double median = times.Length % 2 == 1 ? times[times.Length / 2] : 0.5 * (times[times.Length / 2 - 1] + times[times.Length / 2]);

        if (s.Format == "json")
        {
            var json = new JsonObject
            {
                ["model"] = s.Model,
                ["distribution"] = s.Distribution,
                ["mean"] = s.Mean,
                ["observations"] = fit.ObservationCount,
                ["parameters"] = Dict(fit, fit.Parameters),
                ["standardErrors"] = Dict(fit, fit.StandardErrors),
                ["robustStandardErrors"] = Dict(fit, fit.RobustStandardErrors),
                ["logLikelihood"] = fit.LogLikelihood,
                ["aic"] = fit.Aic,
                ["bic"] = fit.Bic,
                ["converged"] = fit.Convergence.Converged,
                ["persistence"] = fit.Persistence is double ps ? JsonValue.Create(ps) : null,
                ["atStationarityBoundary"] = fit.AtStationarityBoundary,
                ["convergenceMessage"] = fit.Convergence.Message,
                ["fitMilliseconds"] = median,
                ["repeat"] = s.Repeat,
            };
            stdout.WriteLine(json.ToJsonString());
        }
        else
        {
            stdout.WriteLine($"{s.Column} in {Path.GetFileName(s.Data)}");
            stdout.WriteLine(fit.Summary(robust: true));
            stdout.WriteLine();
            var se = NumberFormat.ForColumn(fit.ParameterNames.Select(n => fit.StandardErrors[n]), 4);
            stdout.WriteLine("Hessian standard errors: " + string.Join(", ", fit.ParameterNames.Select(n => $"{n} {se(fit.StandardErrors[n])}")));
            stdout.WriteLine($"fit time {median.ToString("F3", CultureInfo.InvariantCulture)} ms (median of {s.Repeat})");
            if (!fit.Convergence.Converged) stderr.WriteLine("warning: the fit did not converge; the summary's last line says why (exit code 3).");
        }
        return fit.Convergence.Converged ? 0 : 3;
    }

    private static JsonObject Dict(ArchFitResult fit, IReadOnlyDictionary<string, double> values)
    {
        var o = new JsonObject();
        foreach (string name in fit.ParameterNames) o[name] = double.IsFinite(values[name]) ? values[name] : null;
        return o;
    }

}
