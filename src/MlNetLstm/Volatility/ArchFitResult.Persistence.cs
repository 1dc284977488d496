using MlNetLstm.Persistence;
using MlNetLstm.Volatility.Distributions;
using MlNetLstm.Volatility.Mean;
using MlNetLstm.Volatility.Processes;

namespace MlNetLstm.Volatility;

// Model-file reader and writer of ArchFitResult (kind "MlNetLstm.ArchFitResult"; layout in src/MlNetLstm/Persistence/FORMAT.md).
public sealed partial class ArchFitResult
{
    /// <summary>Model-file kind.</summary>
    internal const string ArchiveKind = "MlNetLstm.ArchFitResult";

    /// <summary>
    /// Layout version written (5: each part stored as its registered name and settings, so registered user-defined parts save
    /// too); version 4 files (named built-in orders) and version 1 files (process/orders [3]) still load.
    /// </summary>
    internal const int ArchiveVersion = 5;

    /// <summary>The fit as an archive (see <see cref="ModelSerializer.ToArchive(ArchFitResult)"/>).</summary>
    internal ModelArchive ToArchive()
    {
        ArchFitResult fit = this;
        ArchModel m = fit.Model;
        // Each part under its registered name with its settings (throws NotSupportedException naming an unregistered type).
        string meanName = ArchComponents.SavedName(m.Mean), processName = ArchComponents.SavedName(m.Volatility), distName = ArchComponents.SavedName(m.Distribution);
        var b = new ModelArchiveBuilder(ArchiveKind, ArchiveVersion);
        b.AddText("mean/name", meanName);
        b.Add("mean/settings", m.Mean.Settings.ToArray());
        b.AddText("process/name", processName);
        b.Add("process/settings", m.Volatility.Settings.ToArray());
        b.AddText("distribution/name", distName);
        b.Add("distribution/settings", m.Distribution.Settings.ToArray());
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

    /// <summary>Reads a fit of layout version 1 or 4 (see <see cref="ModelSerializer.ReadArchFit"/>).</summary>
    internal static StoredArchFit FromArchive(ModelArchive archive)
    {
        ArgumentNullException.ThrowIfNull(archive);
        int version = ArchiveReader.Layout(archive, ArchiveKind, 1, 4, ArchiveVersion);
        var r = new ArchiveReader(archive);
        string meanName = r.Text("mean/name", 64), processName = r.Text("process/name", 64), distName = r.Text("distribution/name", 64);
        double[] meanSettings, processSettings, distSettings;
        if (version >= 5)
        {
            double[] Settings(string entry) => r.Count(entry, ArchiveElementType.Float64) <= 64 ? r.Doubles(entry) : throw r.Error(entry, "holds more than 64 settings.");
            meanSettings = Settings("mean/settings");
            processSettings = Settings("process/settings");
            distSettings = Settings("distribution/settings");
        }
        else
        {
            (meanName, meanSettings, processName, processSettings) = LegacyParts(r, version, meanName, processName);
            distSettings = [];
        }

        MeanModel mean;
        VolatilityProcess process;
        ErrorDistribution dist;
        try
        {
            mean = ArchComponents.IsMean(meanName) ? ArchComponents.CreateMean(meanName, meanSettings)
                : throw r.Error("mean/name", $"= '{meanName}' is not a known mean model (registered: {string.Join(", ", ArchComponents.MeanNames)}); a user-defined part must be registered with ArchComponents.RegisterMean before loading.");
            process = ArchComponents.IsProcess(processName) ? ArchComponents.CreateProcess(processName, processSettings)
                : throw r.Error("process/name", $"= '{processName}' is not a known volatility process (registered: {string.Join(", ", ArchComponents.ProcessNames)}); a user-defined part must be registered with ArchComponents.RegisterProcess before loading.");
            dist = ArchComponents.IsDistribution(distName) ? ArchComponents.CreateDistribution(distName, distSettings)
                : throw r.Error("distribution/name", $"= '{distName}' is not a known distribution (registered: {string.Join(", ", ArchComponents.DistributionNames)}); a user-defined part must be registered with ArchComponents.RegisterDistribution before loading.");
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
        return new StoredArchFit(result, report, storedLogLikelihood, seAvailable, ToDictionary(expected, se), ToDictionary(expected, robust));
    }


    /// <summary>
    /// Layouts 1 and 4 stored the built-in parts by their display names with fixed entries for their settings: mean/order for
    /// "arP", process/orders [p, o, q] (layout 1) or process/p, o, q (layout 4) for "garch" and "gjr", process/lambda for "ewma".
    /// Returns the registered names and settings they stand for.
    /// </summary>
    private static (string Mean, double[] MeanSettings, string Process, double[] ProcessSettings) LegacyParts(ArchiveReader r, int version, string meanName, string processName)
    {
        int order = r.Int("mean/order", 0, 50);
        int[] orders = version == 1 ? r.Ints("process/orders", 3) : [r.Int("process/p", 0, 64), r.Int("process/o", 0, 64), r.Int("process/q", 0, 64)];
        double lambda = r.Real("process/lambda");
        (string mean, double[] ms) = meanName == $"ar{order}" && order >= 1 ? ("ar", new double[] { order })
            : meanName is "zero" or "constant" ? (meanName, Array.Empty<double>())
            : throw r.Error("mean/name", $"= '{meanName}' (order {order}) is not a known mean model.");
        double[] ps = processName switch
        {
            "garch" => [orders[0], orders[2]],
            "gjr" => [orders[0], orders[1], orders[2]],
            "ewma" => [lambda],
            "egarch" or "constant" => [],
            _ => throw r.Error("process/name", $"= '{processName}' is not a known volatility process."),
        };
        return (mean, ms, processName, ps);
    }

    private static bool Close(double a, double b, double relative) =>
        a == b || Math.Abs(a - b) <= relative * Math.Max(1e-300, Math.Max(Math.Abs(a), Math.Abs(b)));
}
