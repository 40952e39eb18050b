namespace FluxMatching.Tests.Losses;

using FluxMatching.Kernels;

/// <summary>A test batch: x_b = (1, −2) + (1, 0.5) ⊙ N(0, I), B = 64, seed 7, float64.</summary>
internal static class LossTestData
{
    public const double Sigma2 = 0.3;

    public static Tensor Batch(long b = 64, ScalarType dtype = ScalarType.Float64)
    {
        var n = randn(b, 2, dtype: ScalarType.Float64, generator: new Generator(7));
        var scale = tensor(new double[] { 1.0, 0.5 });
        var shift = tensor(new double[] { 1.0, -2.0 });
        return (n * scale + shift).to(dtype);
    }

    /// <summary>f = ŝ + A ŝ with a constant antisymmetric A (preserves the smoothed batch distribution).</summary>
    public static Func<Tensor, Tensor> ScorePlusSkew(BatchKde kde, double a = 1.3)
    {
        var skewT = tensor(new double[] { 0, -a, a, 0 }, [2, 2], dtype: kde.Reference.dtype); // Aᵀ, A = [[0, a], [−a, 0]]
        return z =>
        {
            var s = kde.Score(z);
            return s + s.mm(skewT);
        };
    }

    /// <summary>f = ŝ + c (a constant drift; violates stationarity).</summary>
    public static Func<Tensor, Tensor> ScorePlusConstant(BatchKde kde, double cx, double cy)
    {
        var c = tensor(new[] { cx, cy }, dtype: kde.Reference.dtype);
        return z => kde.Score(z) + c;
    }

    /// <summary>f = k ŝ (violates stationarity for k ≠ 1).</summary>
    public static Func<Tensor, Tensor> ScaledScore(BatchKde kde, double k) => z => kde.Score(z) * k;

    /// <summary>A smooth nonlinear field unrelated to the data.</summary>
    public static Tensor Smooth(Tensor z) => z.tanh() * 0.8 + z.flip(1) * 0.3 - 0.2;
}
