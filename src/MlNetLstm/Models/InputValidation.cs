namespace MlNetLstm.Models;

/// <summary>Argument checks shared by the models, trainer and forecasters; messages name the argument and the offending index.</summary>
internal static class InputValidation
{
    public static void Positive(int value, string paramName)
    {
        if (value <= 0) throw new ArgumentOutOfRangeException(paramName, value, $"{paramName} must be positive.");
    }

    /// <summary>Checks that <paramref name="data"/> is a [batch, steps, features] tensor of finite values.</summary>
    public static void Sequence(ReadOnlySpan<float> data, int batch, int steps, int features, string paramName)
    {
        Positive(batch, nameof(batch));
        Positive(steps, nameof(steps));
        long expected = (long)batch * steps * features;
        if (expected > Array.MaxLength)
            throw new ArgumentOutOfRangeException(paramName,
                $"{paramName}: [batch={batch}, steps={steps}, features={features}] is {expected:N0} values, more than the {Array.MaxLength:N0} an array holds.");
        if (data.Length != expected)
            throw new ArgumentException(
                $"{paramName} has length {data.Length} but [batch={batch}, steps={steps}, features={features}] needs {expected}.", paramName);
        for (int n = 0; n < data.Length; n++)
        {
            if (!float.IsFinite(data[n]))
            {
                int f = n % features, t = n / features % steps, b = n / features / steps;
                throw new ArgumentException($"{paramName} contains {data[n]} at batch {b}, step {t}, feature {f}.", paramName);
            }
        }
    }

    /// <summary>Checks that every value is finite, reporting the flat index.</summary>
    public static void Finite(ReadOnlySpan<float> data, string paramName)
    {
        for (int n = 0; n < data.Length; n++)
            if (!float.IsFinite(data[n]))
                throw new ArgumentException($"{paramName} contains {data[n]} at index {n}.", paramName);
    }
}
