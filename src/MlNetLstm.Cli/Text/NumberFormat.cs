using System.Globalization;

namespace MlNetLstm.Cli.Text;

/// <summary>
/// Numbers as people read them: one style per column, fixed-point when every value of the column has an ordinary
/// magnitude, otherwise scientific with a two-digit exponent (9.743E-05), never mixed.
/// </summary>
internal static class NumberFormat
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>
    /// A formatter for a whole column: fixed with enough decimals to show <paramref name="significant"/> significant digits
    /// of the smallest non-zero magnitude (at most 6 decimals) when every non-zero |v| lies in [1e-3, 1e7); otherwise
    /// scientific "0.0000E+00" (significant digits as given). NaN prints as "–".
    /// </summary>
    public static Func<double, string> ForColumn(IEnumerable<double> values, int significant = 5)
    {
        double[] finite = values.Where(double.IsFinite).Select(Math.Abs).Where(a => a > 0).ToArray();
        if (finite.Length == 0) return v => double.IsNaN(v) ? "–" : v.ToString("F" + (significant - 1), Inv);
        double min = finite.Min(), max = finite.Max();
        if (min >= 1e-3 && max < 1e7)
        {
            int decimals = Math.Clamp(significant - 1 - (int)Math.Floor(Math.Log10(min)), 0, 6);
            string f = "F" + decimals;
            return v => double.IsNaN(v) ? "–" : v.ToString(f, Inv);
        }
        string e = "0." + new string('0', Math.Max(significant - 1, 1)) + "E+00";
        return v => double.IsNaN(v) ? "–" : v.ToString(e, Inv);
    }

    /// <summary>A p-value: four decimals, "&lt;0.0001" below that, "–" for NaN.</summary>
    public static string PValue(double p) => double.IsNaN(p) ? "–" : p < 1e-4 ? "<0.0001" : p.ToString("F4", Inv);

    /// <summary>A single number: fixed with <paramref name="decimals"/> decimals for |v| in [1e-3, 1e7) or 0, else scientific with two-digit exponent.</summary>
    public static string One(double v, int decimals = 4)
    {
        if (double.IsNaN(v)) return "–";
        double a = Math.Abs(v);
        return a == 0 || (a >= 1e-3 && a < 1e7) ? v.ToString("F" + decimals, Inv) : v.ToString("0." + new string('0', Math.Max(decimals, 1)) + "E+00", Inv);
    }

    /// <summary>Seconds for humans: "0.42 s", "12.3 s", "4 min 05 s".</summary>
    public static string Seconds(double s)
        => s < 10 ? s.ToString("F2", Inv) + " s" : s < 120 ? s.ToString("F1", Inv) + " s" : $"{(int)(s / 60)} min {(int)(s % 60):00} s";
}
