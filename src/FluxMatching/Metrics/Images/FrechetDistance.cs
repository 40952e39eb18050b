namespace FluxMatching.Metrics.Images;

using MathNet.Numerics.LinearAlgebra;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// The Fréchet distance between two feature sets: the squared 2-Wasserstein distance between the Gaussians with their
/// means and covariances, ‖μ₁ − μ₂‖² + Tr(Σ₁ + Σ₂ − 2 (Σ₁^{1/2} Σ₂ Σ₁^{1/2})^{1/2}). Applied to the penultimate
/// features of the <see cref="FeatureClassifier"/> it is "FD (in-project classifier)". The trace of the matrix
/// square root is computed stably from symmetric eigen-decompositions in float64 on the host (MathNet): Σ₁^{1/2} from
/// the eigenvalues of Σ₁ clamped at 0, then Tr (Σ₁^{1/2} Σ₂ Σ₁^{1/2})^{1/2} = Σᵢ √max(λᵢ, 0) over the eigenvalues of
/// that symmetric positive semi-definite product, so singular covariances (dead features, n ≤ D) need no jitter.
/// </summary>
public static class FrechetDistance
{
    /// <summary>Fréchet distance between feature sets <paramref name="x"/> [N, D] and <paramref name="y"/> [M, D].
    /// </summary>
    /// <param name="x">First set [N, D], N ≥ 2, finite (any device and dtype).</param>
    /// <param name="y">Second set [M, D], M ≥ 2, finite.</param>
    /// <returns>The distance, ≥ 0 (0 for identical sets up to rounding).</returns>
    public static double Compute(Tensor x, Tensor y)
    {
        using var scope = NewDisposeScope();
        var (a, b) = PointClouds.Prepare(x, y, 2, nameof(x), nameof(y));
        var (mean1, cov1) = Moments(a);
        var (mean2, cov2) = Moments(b);
        return FromMoments(mean1, cov1, mean2, cov2);
    }

    /// <summary>Mean [D] and unbiased covariance [D, D] (divisor N − 1) of a feature set [N, D], in float64. The
    /// reductions run on the features' device; only the D + D² numbers come to the host.</summary>
    /// <param name="features">[N, D], N ≥ 2, finite.</param>
    public static (double[] Mean, double[,] Covariance) Moments(Tensor features)
    {
        using var scope = NewDisposeScope();
        var f = PointClouds.Prepare(features, 2, nameof(features));
        long n = f.shape[0], d = f.shape[1];
        var mean = f.mean([0L]);
        var centred = f - mean;
        using var divisor = ((double)(n - 1)).ToScalar();
        var cov = centred.t().matmul(centred).div_(divisor);
        var meanHost = mean.cpu().data<double>().ToArray();
        var covHost = cov.cpu().contiguous().data<double>().ToArray();
        var matrix = new double[d, d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                matrix[i, j] = covHost[(i * d) + j];
            }
        }

        return (meanHost, matrix);
    }

    /// <summary>Fréchet distance between the Gaussians N(μ₁, Σ₁) and N(μ₂, Σ₂).</summary>
    /// <param name="mean1">μ₁ [D].</param>
    /// <param name="covariance1">Σ₁ [D, D], symmetric positive semi-definite.</param>
    /// <param name="mean2">μ₂ [D].</param>
    /// <param name="covariance2">Σ₂ [D, D], symmetric positive semi-definite.</param>
    /// <returns>‖μ₁ − μ₂‖² + Tr(Σ₁ + Σ₂ − 2 (Σ₁^{1/2} Σ₂ Σ₁^{1/2})^{1/2}), clamped at 0 against rounding.</returns>
    public static double FromMoments(double[] mean1, double[,] covariance1, double[] mean2, double[,] covariance2)
    {
        ArgumentNullException.ThrowIfNull(mean1);
        ArgumentNullException.ThrowIfNull(covariance1);
        ArgumentNullException.ThrowIfNull(mean2);
        ArgumentNullException.ThrowIfNull(covariance2);
        int d = mean1.Length;
        if (d < 1 || mean2.Length != d || covariance1.GetLength(0) != d || covariance1.GetLength(1) != d ||
            covariance2.GetLength(0) != d || covariance2.GetLength(1) != d)
        {
            throw new ArgumentException(
                $"Need means [D] and covariances [D, D] of one D ≥ 1; got mean1 [{mean1.Length}], mean2 " +
                $"[{mean2.Length}], covariance1 [{covariance1.GetLength(0)}, {covariance1.GetLength(1)}], " +
                $"covariance2 [{covariance2.GetLength(0)}, {covariance2.GetLength(1)}].", nameof(mean1));
        }

        double meanTerm = 0;
        for (int i = 0; i < d; i++)
        {
            double delta = mean1[i] - mean2[i];
            meanTerm += delta * delta;
        }

        var s1 = Symmetric(covariance1);
        var s2 = Symmetric(covariance2);
        var root1 = SquareRoot(s1);
        var product = Symmetric(root1 * s2 * root1);
        double rootTrace = product.Evd(Symmetricity.Symmetric).EigenValues.Sum(l => Math.Sqrt(Math.Max(l.Real, 0)));
        double distance = meanTerm + s1.Trace() + s2.Trace() - (2 * rootTrace);
        if (!double.IsFinite(distance))
        {
            throw new ArgumentException("The means or covariances hold non-finite values.", nameof(covariance1));
        }

        return Math.Max(distance, 0);
    }

    /// <summary>(A + Aᵀ)/2 of a [D, D] array or matrix.</summary>
    private static Matrix<double> Symmetric(double[,] a) => Symmetric(Matrix<double>.Build.DenseOfArray(a));

    private static Matrix<double> Symmetric(Matrix<double> a) => (a + a.Transpose()) * 0.5;

    /// <summary>The symmetric PSD square root V diag(√max(λ, 0)) Vᵀ.</summary>
    private static Matrix<double> SquareRoot(Matrix<double> s)
    {
        var evd = s.Evd(Symmetricity.Symmetric);
        var roots = evd.EigenValues.Map(l => System.Numerics.Complex.Sqrt(Math.Max(l.Real, 0))).Real();
        var v = evd.EigenVectors;
        return v * Matrix<double>.Build.DiagonalOfDiagonalVector(roots) * v.Transpose();
    }
}
