namespace MlNetLstm.Volatility.Distributions;

/// <summary>Gamma(shape, 1) draws by Marsaglia and Tsang (2000), boosted for shape &lt; 1.</summary>
internal static class GammaSampler
{
    public static double Sample(Random random, double shape)
    {
        if (shape < 1)
        {
            double u = random.NextDouble();
            return Sample(random, shape + 1) * Math.Pow(u, 1 / shape);
        }

        double d = shape - 1.0 / 3.0;
        double c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = Normal.StandardNormal(random);
                v = 1 + c * x;
            }
            while (v <= 0);
            v = v * v * v;
            double u = random.NextDouble();
            if (u < 1 - 0.0331 * x * x * x * x || Math.Log(u) < 0.5 * x * x + d * (1 - v + Math.Log(v)))
            {
                return d * v;
            }
        }
    }
}
