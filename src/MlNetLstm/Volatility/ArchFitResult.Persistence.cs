using MlNetLstm.Persistence.Format;
using MlNetLstm.Volatility.Distributions;
using MlNetLstm.Volatility.Mean;
using MlNetLstm.Volatility.Processes;

namespace MlNetLstm.Volatility;

// Model-file reader and writer of ArchFitResult (kind "MlNetLstm.ArchFitResult"; layout in src/MlNetLstm/Persistence/FORMAT.md).
public sealed partial class ArchFitResult
{
    /// <summary>Model-file kind.</summary>
    internal const string ArchiveKind = "MlNetLstm.ArchFitResult";

    /// <summary>Layout version written (4: named process orders; version 1 files, with process/orders [3], still load).</summary>
    internal const int ArchiveVersion = ArchiveReader.CurrentLayoutVersion;

    /// <summary>The fit as an archive (see <see cref="Persistence.ModelSerializer.ToArchive(ArchFitResult)"/>).</summary>
    internal ModelArchive ToArchive()
    {
        ArchFitResult fit = this;
        ArchModel m = fit.Model;
        var b = new ModelArchiveBuilder(ArchiveKind, ArchiveVersion);
        b.AddText("mean/name", m.Mean.Name);
        b.AddScalar("mean/order", m.Mean is ArMean ar ? ar.Order : 0);
        b.AddText("process/name", m.Volatility.Name);
        (int p, int o, int q) = m.Volatility switch
        {
            Garch g => (g.P, 0, g.Q),
            GjrGarch g => (g.P, g.O, g.Q),
            _ => (0, 0, 0),
        };
        b.AddScalar("process/p", p);
        b.AddScalar("process/o", o);
        b.AddScalar("process/q", q);
        b.AddScalar("process/lambda", m.Volatility is Ewma e ? e.Lambda : 0.0);
        b.AddText("distribution/name", m.Distribution.Name);
        b.AddText("parameters/names", string.Join("\n", fit.ParameterNames));
        b.Add("parameters/values", fit.Values.ToArray());
        b.Add("returns", m.Returns.ToArray());
        b.AddScalar("backcast", fit.Backcast);
        b.AddScalar("fit/log_likelihood", fit.LogLikelihood);
        b.AddScalar("fit/converged", fit.Convergence.Converged ? 1 : 0);
        b.AddScalar("fit/iterations", fit.Convergence.Iterations);
        b.AddScalar("fit/gradient_evaluations", fit.Convergence.GradientEvaluations);
        b.AddScalar("fit/gradient_norm", fit.Convergence.GradientNorm);
        b.AddText("fit/message", fit.Convergence.Message);
        b.AddScalar("fit/standard_errors_available", fit.StandardErrorsAvailable ? 1 : 0);
        b.Add("fit/standard_errors", fit.ParameterNames.Select(n => fit.StandardErrors[n]).ToArray());
        b.Add("fit/robust_standard_errors", fit.ParameterNames.Select(n => fit.RobustStandardErrors[n]).ToArray());
        return b.Build();
    }

    /// <summary>Reads a fit of layout version 1 or 4 (see <see cref="Persistence.ModelSerializer.ReadArchFit"/>).</summary>
    internal static (ArchFitResult Result, ConvergenceReport Convergence, double LogLikelihood, bool StandardErrorsAvailable,
        IReadOnlyDictionary<string, double> StandardErrors, IReadOnlyDictionary<string, double> RobustStandardErrors) FromArchive(ModelArchive archive)
    {
        ArgumentNullException.ThrowIfNull(archive);
        int version = ArchiveReader.Layout(archive, ArchiveKind, 1, ArchiveVersion);
        var r = new ArchiveReader(archive);
        string meanName = r.Text("mean/name", 16), processName = r.Text("process/name", 16), distName = r.Text("distribution/name", 16);
        int order = r.Int("mean/order", 0, 50);
        // Layout 1 stored the orders positionally as process/orders = [p, o, q].
        int[] orders = version == 1 ? r.Ints("process/orders", 3) : [r.Int("process/p", 0, 64), r.Int("process/o", 0, 64), r.Int("process/q", 0, 64)];
        double lambda = r.Real("process/lambda");
        MeanModel mean;
        VolatilityProcess process;
        ErrorDistribution dist;
        try
        {
            mean = meanName switch
            {
                "zero" => new ZeroMean(),
                "constant" => new ConstantMean(),
                _ when meanName == $"ar{order}" && order >= 1 => new ArMean(order),
                _ => throw r.Error("mean/name", $"= '{meanName}' (order {order}) is not a known mean model."),
            };
            process = processName switch
            {
                "garch" => new Garch(orders[0], orders[2]),
                "gjr" => new GjrGarch(orders[0], orders[1], orders[2]),
                "egarch" => new Egarch(),
                "ewma" => new Ewma(lambda),
                "constant" => new ConstantVariance(),
                _ => throw r.Error("process/name", $"= '{processName}' is not a known volatility process."),
            };
            dist = Arch.ParseDistribution(distName);
        }
        catch (ArgumentException e)
        {
            throw r.Error($"the stored model specification is invalid: {e.Message}");
        }
        string[] names = r.Text("parameters/names").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string[] expected = mean.Parameters.Concat(process.Parameters).Concat(dist.Parameters).Select(p => p.Name).ToArray();
        if (!names.SequenceEqual(expected))
            throw r.Error("parameters/names", $"are [{string.Join(", ", names)}] but a {meanName}/{processName}/{distName} model has [{string.Join(", ", expected)}].");
        double[] theta = r.Doubles("parameters/values", expected.Length);
        double[] returns = r.Doubles("returns");
        double backcast = r.Real("backcast");
        string Values() => "[" + string.Join(", ", expected.Select((n, i) => $"{n} = {theta[i]}")) + "]";
        int converged = r.Int("fit/converged", 0, 1);
        var report = new ConvergenceReport(converged == 1, r.Int("fit/iterations", 0), r.Int("fit/gradient_evaluations", 0),
            r.Real("fit/gradient_norm", finite: false), r.Text("fit/message"));
        double[] se = r.Doubles("fit/standard_errors", expected.Length, finite: false);
        double[] robust = r.Doubles("fit/robust_standard_errors", expected.Length, finite: false);
        bool seAvailable = r.Bool("fit/standard_errors_available");
        double storedLogLikelihood = r.Real("fit/log_likelihood");
        ArchModel model;
        double logLikelihood;
        try
        {
            model = ArchModel.Create(returns, mean, process, dist);
            // Stationarity and the other constraints of the process, then the distribution's (through a finite likelihood).
            if (!process.IsFeasible(theta.AsSpan(mean.ParameterCount, process.ParameterCount)))
                throw new ArgumentException($"Parameters are not admissible for this model ({processName} constraints: positive variance parameters, stationarity).");
            logLikelihood = model.LogLikelihood(theta);
            if (!double.IsFinite(logLikelihood)) throw new ArgumentException("Parameters are not admissible for this model (log-likelihood is not finite).");
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or ArithmeticException or MathNet.Numerics.NonConvergenceException)
        {
            throw r.Error($"the stored parameters and returns do not form a valid model: {e.Message} (parameters/values {Values()})");
        }
        // Restore path: one filter pass, the stored estimation summary, no re-estimation and no Hessian.
        ArchFitResult result = model.Restore(theta, storedLogLikelihood, report, seAvailable, se, robust);
        if (!Close(result.Backcast, backcast, 1e-9))
            throw r.Error("backcast", $"= {backcast} but the stored returns and parameters give {result.Backcast}: the file is inconsistent.");
        if (!Close(logLikelihood, storedLogLikelihood, 1e-8))
            throw r.Error("fit/log_likelihood", $"= {storedLogLikelihood} but the stored returns and parameters/values {Values()} give {logLikelihood}: the file is inconsistent.");
        ArchForecast next;
        try { next = result.Forecast(1); }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or ArithmeticException)
        {
            throw r.Error($"the restored model cannot forecast: {e.Message}");
        }
        if (!double.IsFinite(next.ResidualVariance[0]) || !(next.ResidualVariance[0] > 0) || !double.IsFinite(next.Mean[0]))
            throw r.Error("parameters/values", $"{Values()} forecast a variance of {next.ResidualVariance[0]} and a mean of {next.Mean[0]}: forecasts must be finite.");
        return (result, report, storedLogLikelihood, seAvailable, ToDictionary(expected, se), ToDictionary(expected, robust));
    }


    private static bool Close(double a, double b, double relative) =>
        a == b || Math.Abs(a - b) <= relative * Math.Max(1e-300, Math.Max(Math.Abs(a), Math.Abs(b)));
}
