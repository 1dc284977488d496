using MlNetLstm.Evaluation;

namespace MlNetLstm.Volatility;

/// <summary>
/// Per-window model selection by validation QLIKE: a model that knows when to fall back. On each training window
/// <c>r[0, n)</c> every candidate is fitted on <c>r[0, n - v)</c> and scored by the mean one-step QLIKE
/// <c>log h_t + r_t² / h_t</c> of its forecasts of <c>r_{n-v}, …, r_{n-1}</c> (each made from the returns before it, as in a
/// walk-forward run); the candidate with the lowest score (the first one on a tie, so the order states a preference) is then
/// refitted on the whole window and used for every forecast until the next fit. Only the training window is read, so there
/// is no look-ahead. A candidate whose validation fit fails, or that forecasts a non-finite or non-positive variance there,
/// scores +∞ (it is not chosen unless every candidate does, which throws).
/// </summary>
public sealed class ValidationSelectedVarianceModel : IVarianceModel
{
    /// <summary>Default fraction of the window held out for the choice.</summary>
    public const double DefaultValidationFraction = 0.2;

    /// <summary>Fewest validation returns used, whatever the fraction.</summary>
    public const int MinimumValidation = 20;

    private readonly IVarianceModel[] _candidates;

    /// <summary>Creates the selector.</summary>
    /// <param name="name">Name used in tables and JSON (non-empty).</param>
    /// <param name="candidates">The candidate models (at least one, none null, unique names), in order of preference on ties.</param>
    /// <param name="validationFraction">Fraction v / n of each window held out for the choice, in (0, 0.5].</param>
    /// <exception cref="ArgumentException">An invalid argument (the message names it).</exception>
    public ValidationSelectedVarianceModel(string name, IEnumerable<IVarianceModel> candidates, double validationFraction = DefaultValidationFraction)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(candidates);
        _candidates = candidates.ToArray();
        if (_candidates.Length == 0) throw new ArgumentException("candidates is empty: at least one model is needed.", nameof(candidates));
        int nullAt = Array.IndexOf(_candidates, null);
        if (nullAt >= 0) throw new ArgumentException($"candidates[{nullAt}] is null.", nameof(candidates));
        if (_candidates.Select(c => c.Name).Distinct(StringComparer.Ordinal).Count() != _candidates.Length)
            throw new ArgumentException("candidate names must be unique.", nameof(candidates));
        if (!(validationFraction > 0 && validationFraction <= 0.5))
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "validationFraction must be in (0, 0.5].");
        Name = name;
        ValidationFraction = validationFraction;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The candidates, in order of preference on ties.</summary>
    public IReadOnlyList<IVarianceModel> Candidates => _candidates;

    /// <summary>Fraction of each window held out for the choice.</summary>
    public double ValidationFraction { get; }

    /// <summary>Validation returns v = max(<see cref="MinimumValidation"/>, floor(n · fraction)) for a window of n returns.</summary>
    /// <param name="n">Window length.</param>
    public int ValidationLength(int n) => Math.Max(MinimumValidation, (int)(n * ValidationFraction));

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The window is shorter than twice the validation length.</exception>
    /// <exception cref="InvalidOperationException">No candidate could be scored.</exception>
    public IFittedVarianceModel Fit(ReadOnlySpan<double> returns) => FitSelected(returns);

    /// <summary>Fits as <see cref="Fit(ReadOnlySpan{double})"/> and returns the typed result (which candidate won, and the scores).</summary>
    /// <param name="returns">Training returns, oldest first.</param>
    public ValidationSelectedFit FitSelected(ReadOnlySpan<double> returns)
    {
        int n = returns.Length, v = ValidationLength(n);
        if (n < 2 * v) throw new ArgumentException($"returns has {n} elements; the selector needs at least {2 * v} (twice the {v} validation returns).", nameof(returns));
        var scores = new double[_candidates.Length];
        for (int i = 0; i < _candidates.Length; i++)
        {
            double sum = 0;
            try
            {
                IFittedVarianceModel f = _candidates[i].Fit(returns[..(n - v)]);
                for (int t = n - v; t < n; t++)
                {
                    double h = f.ForecastVariance(returns[..t], 1)[0];
                    if (!double.IsFinite(h) || h <= 0) { sum = double.PositiveInfinity; break; }
                    sum += Math.Log(h) + returns[t] * returns[t] / h;
                }
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or ArithmeticException)
            {
                sum = double.PositiveInfinity;
            }
            scores[i] = sum / v;
        }
        int best = -1;
        for (int i = 0; i < scores.Length; i++)
            if (double.IsFinite(scores[i]) && (best < 0 || scores[i] < scores[best])) best = i;
        if (best < 0) throw new InvalidOperationException($"Model '{Name}': no candidate could be scored on the last {v} returns of the window (every fit failed or forecast an invalid variance).");
        return new ValidationSelectedFit(_candidates[best].Name, best, scores, _candidates[best].Fit(returns));
    }
}
