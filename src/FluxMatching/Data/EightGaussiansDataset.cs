namespace FluxMatching.Data;

/// <summary>
/// Eight isotropic Gaussians with equal weights, centred on a circle at angles k·π/4 (k = 0..7). Convention of the
/// FFJORD/flow-matching toys: centres at radius 4/√2 ≈ 2.83 with std 0.5/√2 ≈ 0.354, so samples span about ±3.5.
/// Density and score are exact (a Gaussian mixture).
/// </summary>
public sealed class EightGaussiansDataset : GaussianMixtureDataset
{
    /// <summary>Creates the eight-Gaussian ring.</summary>
    /// <param name="radius">Radius of the centres (default 4/√2 ≈ 2.828), finite and ≥ 0.</param>
    /// <param name="std">Standard deviation of each component (default 0.5/√2 ≈ 0.354), finite and &gt; 0.</param>
    public EightGaussiansDataset(double radius = 2.8284271247461903, double std = 0.35355339059327373)
        : base("eight-gaussians", Centres(radius), Stds(std))
    {
        Radius = radius;
        Std = std;
    }

    /// <summary>Radius of the centres.</summary>
    public double Radius { get; }

    /// <summary>Standard deviation of each component.</summary>
    public double Std { get; }

    private static double[,] Centres(double radius)
    {
        if (!double.IsFinite(radius) || radius < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(radius), radius, "The radius must be finite and ≥ 0.");
        }

        var c = new double[8, 2];
        for (int k = 0; k < 8; k++)
        {
            c[k, 0] = radius * Math.Cos(k * Math.PI / 4);
            c[k, 1] = radius * Math.Sin(k * Math.PI / 4);
        }

        return c;
    }

    private static double[,] Stds(double std)
    {
        var s = new double[8, 1];
        for (int k = 0; k < 8; k++)
        {
            s[k, 0] = std;
        }

        return s; // validated (> 0, finite) by the base class
    }
}
