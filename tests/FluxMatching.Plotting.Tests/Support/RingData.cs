namespace FluxMatching.Plotting.Tests;

/// <summary>Seeded 2-D ring samples (θ ~ U[0, 2π), r = 2.5 + 0.5 ε), as in the reference notebooks.</summary>
internal static class RingData
{
    public static double[,] Sample(int n, int seed, double radius = 2.5, double width = 0.5)
    {
        var rng = new Random(seed);
        var p = new double[n, 2];
        for (int i = 0; i < n; i++)
        {
            double theta = rng.NextDouble() * 2 * Math.PI;
            double g = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            double r = radius + width * g;
            (p[i, 0], p[i, 1]) = (r * Math.Cos(theta), r * Math.Sin(theta));
        }
        return p;
    }
}
