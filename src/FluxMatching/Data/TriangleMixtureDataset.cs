namespace FluxMatching.Data;

/// <summary>
/// The three-Gaussian triangle of the paper's exp1 (controllable generative fields, the authors' experiments/exp1_controllable/test.py): equal weights
/// 1/3, centres at radius 2.3 and angles π/2, 7π/6, 11π/6 — (0, 2.3), (−1.99186, −1.15), (1.99186, −1.15) — component
/// std 0.65, smoothed with noise σ = 0.45, so every component is N(c_k, v·I) with v = 0.65² + 0.45² = 0.625.
/// Closed forms: log p(x) = logsumexp_k(−‖x − c_k‖²/2v + log 1/3) − log(2πv), ∇log p = (Σ_k softmax_k(·)·c_k − x)/v.
/// </summary>
public sealed class TriangleMixtureDataset : GaussianMixtureDataset
{
    /// <summary>Creates the exp1 triangle (defaults reproduce the reference exactly).</summary>
    /// <param name="radius">Distance of the centres from the origin (default 2.3).</param>
    /// <param name="componentStd">Standard deviation of each clean component (default 0.65).</param>
    /// <param name="noiseSigma">Smoothing noise σ added in quadrature (default 0.45).</param>
    public TriangleMixtureDataset(double radius = 2.3, double componentStd = 0.65, double noiseSigma = 0.45)
        : base("triangle", Centres(radius), Stds(componentStd, noiseSigma), [1.0 / 3, 1.0 / 3, 1.0 / 3])
    {
        Radius = radius;
        ComponentStd = componentStd;
        NoiseSigma = noiseSigma;
    }

    /// <summary>Distance of the centres from the origin.</summary>
    public double Radius { get; }

    /// <summary>Standard deviation of each clean component.</summary>
    public double ComponentStd { get; }

    /// <summary>Smoothing noise σ.</summary>
    public double NoiseSigma { get; }

    /// <summary>Per-dimension variance of every smoothed component, componentStd² + σ².</summary>
    public double Variance => (ComponentStd * ComponentStd) + (NoiseSigma * NoiseSigma);

    private static double[,] Centres(double radius)
    {
        if (!double.IsFinite(radius) || radius < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(radius), radius, "The triangle radius must be finite and ≥ 0.");
        }

        double[] angles = [Math.PI / 2, 7 * Math.PI / 6, 11 * Math.PI / 6];
        var c = new double[3, 2];
        for (int k = 0; k < 3; k++)
        {
            c[k, 0] = radius * Math.Cos(angles[k]);
            c[k, 1] = radius * Math.Sin(angles[k]);
        }

        return c;
    }

    private static double[,] Stds(double componentStd, double noiseSigma)
    {
        if (!double.IsFinite(componentStd) || componentStd < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(componentStd), componentStd, "componentStd must be finite and ≥ 0.");
        }

        if (!double.IsFinite(noiseSigma) || noiseSigma < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(noiseSigma), noiseSigma, "noiseSigma must be finite and ≥ 0.");
        }

        double s = Math.Sqrt((componentStd * componentStd) + (noiseSigma * noiseSigma));
        return new double[,] { { s }, { s }, { s } };
    }
}
