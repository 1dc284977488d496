namespace MlNetLstm;

/// <summary>Argument checks shared by the evaluation, feature, HAR and SSA code (root namespace, so no layer depends on another for it).</summary>
internal static class EvalGuard
{
    /// <summary>Throws when any element is NaN or infinite, naming the argument and index.</summary>
    public static void Finite(ReadOnlySpan<double> values, string name)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
                throw new ArgumentException($"{name}[{i}] is {values[i]}; all values must be finite.", name);
        }
    }

    /// <summary>Largest |return| the variance models accept: squares and their sums stay far from overflow.</summary>
    public const double MaxReturnMagnitude = 1e100;

    /// <summary>Smallest largest-|return| the variance models accept (when not all zero): squares stay far from underflow.</summary>
    public const double MinReturnMagnitude = 1e-100;

    /// <summary>
    /// Throws when the returns' magnitude is outside [<see cref="MinReturnMagnitude"/>, <see cref="MaxReturnMagnitude"/>]
    /// (largest |r|), where squared returns, variances and likelihoods over- or underflow a double. All-zero series pass
    /// (the models name that case themselves).
    /// </summary>
    public static void ReturnScale(ReadOnlySpan<double> returns, string name)
    {
        double max = 0;
        int at = 0;
        for (int i = 0; i < returns.Length; i++)
        {
            double a = Math.Abs(returns[i]);
            if (a > max) { max = a; at = i; }
        }
        if (max > MaxReturnMagnitude)
            throw new ArgumentException($"{name}: the largest |value| ({max:0.###E+00}, at index {at}) is too large for a variance model (squared returns overflow); " +
                                        "rescale the series, for example to decimal or percent returns.", name);
        if (max > 0 && max < MinReturnMagnitude)
            throw new ArgumentException($"{name}: the largest |value| ({max:0.###E+00}, at index {at}) is too small for a variance model (squared returns underflow); " +
                                        "rescale the series, for example to decimal or percent returns.", name);
    }

    /// <summary>Throws when any element is not finite or is negative.</summary>
    public static void FiniteNonNegative(ReadOnlySpan<double> values, string name)
    {
        for (int i = 0; i < values.Length; i++)
        {
            double v = values[i];
            if (!double.IsFinite(v) || v < 0)
                throw new ArgumentException($"{name}[{i}] is {v}; values must be finite and non-negative.", name);
        }
    }

    /// <summary>Throws when any element is not finite or is not strictly positive.</summary>
    public static void FinitePositive(ReadOnlySpan<double> values, string name)
    {
        for (int i = 0; i < values.Length; i++)
        {
            double v = values[i];
            if (!double.IsFinite(v) || v <= 0)
                throw new ArgumentException($"{name}[{i}] is {v}; values must be finite and strictly positive.", name);
        }
    }

    /// <summary>Throws when two spans differ in length.</summary>
    public static void SameLength(int a, int b, string nameA, string nameB)
    {
        if (a != b)
            throw new ArgumentException($"{nameA} has {a} elements but {nameB} has {b}; they must have the same length.", nameB);
    }

    /// <summary>Throws when <paramref name="length"/> is below <paramref name="min"/>.</summary>
    public static void MinLength(int length, int min, string name)
    {
        if (length < min)
            throw new ArgumentException($"{name} has {length} elements; at least {min} are required.", name);
    }

    /// <summary>Throws when a destination span is shorter than needed.</summary>
    public static void Destination(int destinationLength, int needed, string name)
    {
        if (destinationLength < needed)
            throw new ArgumentException($"{name} has length {destinationLength} but {needed} values must be written.", name);
    }
}
