using MlNetLstm.Volatility;

namespace MlNetLstm.Persistence;

/// <summary>
/// An <see cref="ArchFitResult"/> read back from a model file, with the estimation summary as it was when the model was
/// saved. <see cref="Result"/> forecasts and filters exactly like the saved fit (same parameters, returns and backcast); it is
/// restored without re-estimation (one filter pass over the stored returns) and carries the original optimiser report,
/// log-likelihood and standard errors, which are also the properties of this class.
/// </summary>
public sealed class StoredArchFit
{
    internal StoredArchFit(ArchFitResult result, ConvergenceReport convergence, double logLikelihood, bool standardErrorsAvailable,
        IReadOnlyDictionary<string, double> standardErrors, IReadOnlyDictionary<string, double> robustStandardErrors)
    {
        Result = result; Convergence = convergence; LogLikelihood = logLikelihood; StandardErrorsAvailable = standardErrorsAvailable;
        StandardErrors = standardErrors; RobustStandardErrors = robustStandardErrors;
    }

    /// <summary>The fit, ready to forecast and filter.</summary>
    public ArchFitResult Result { get; }

    /// <summary>The optimiser report of the original estimation.</summary>
    public ConvergenceReport Convergence { get; }

    /// <summary>The maximised log-likelihood of the original estimation.</summary>
    public double LogLikelihood { get; }

    /// <summary>Whether the original estimation had standard errors.</summary>
    public bool StandardErrorsAvailable { get; }

    /// <summary>Hessian-based standard errors of the original estimation, by parameter name.</summary>
    public IReadOnlyDictionary<string, double> StandardErrors { get; }

    /// <summary>Robust (sandwich) standard errors of the original estimation, by parameter name.</summary>
    public IReadOnlyDictionary<string, double> RobustStandardErrors { get; }
}
