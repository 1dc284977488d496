namespace MlNetLstm.Evaluation;

/// <summary>Argument checks shared by the evaluation, feature, HAR and SSA code.</summary>
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
