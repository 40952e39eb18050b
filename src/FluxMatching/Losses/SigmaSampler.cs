namespace FluxMatching.Losses;

using FluxMatching.Data;
using FluxMatching.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Draws the noise level σ of one annealed training step (one σ per batch; paper §3.2): fixed, log-uniform on
/// [σ_min, σ_max] (annealed notebook: [0.02, 2.0]; springs: [0.002, 80]) or the EDM log-normal
/// ln σ ~ N(P_mean = −1.2, P_std = 1.2) (images). Each σ is a deterministic map of one standard draw
/// (<see cref="Draw"/>), so draws are injectable through <see cref="FromDraw"/>.
/// </summary>
public abstract class SigmaSampler
{
    private SigmaSampler()
    {
    }

    /// <summary>A constant σ &gt; 0 (no random draw).</summary>
    /// <param name="sigma">σ (standard deviation), finite and &gt; 0.</param>
    public static SigmaSampler Fixed(double sigma)
    {
        RequirePositive(sigma, nameof(sigma));
        return new FixedSampler(sigma);
    }

    /// <summary>log σ ~ U[log σ_min, log σ_max]: σ = exp(log σ_min + u (log σ_max − log σ_min)), u ~ U[0, 1).</summary>
    /// <param name="sigmaMin">σ_min &gt; 0.</param>
    /// <param name="sigmaMax">σ_max ≥ σ_min.</param>
    public static SigmaSampler LogUniform(double sigmaMin, double sigmaMax)
    {
        RequirePositive(sigmaMin, nameof(sigmaMin));
        RequirePositive(sigmaMax, nameof(sigmaMax));
        if (sigmaMax < sigmaMin)
        {
            throw new ArgumentOutOfRangeException(nameof(sigmaMax), sigmaMax, $"sigmaMax must be >= sigmaMin ({sigmaMin}).");
        }

        return new LogUniformSampler(Math.Log(sigmaMin), Math.Log(sigmaMax));
    }

    /// <summary>EDM log-normal: σ = exp(P_mean + P_std·n), n ~ N(0, 1).</summary>
    /// <param name="pMean">P_mean (EDM: −1.2).</param>
    /// <param name="pStd">P_std &gt; 0 (EDM: 1.2).</param>
    public static SigmaSampler EdmLogNormal(double pMean = -1.2, double pStd = 1.2)
    {
        if (!double.IsFinite(pMean))
        {
            throw new ArgumentOutOfRangeException(nameof(pMean), pMean, "pMean must be finite.");
        }

        RequirePositive(pStd, nameof(pStd));
        return new LogNormalSampler(pMean, pStd);
    }

    /// <summary>Draws σ as a 0-d tensor: <see cref="FromDraw"/>(<see cref="Draw"/>(…)).</summary>
    /// <param name="generator">Generator (null: the global generator).</param>
    /// <param name="device">Device of σ (null: CPU).</param>
    /// <param name="dtype">Element type of σ (float32 or float64).</param>
    public Tensor Sample(Generator? generator = null, Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        using var scope = NewDisposeScope();
        return FromDraw(Draw(generator, device, dtype)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// σ for a batch of <paramref name="batch"/> samples, shape [B]: one σ per batch (the authors' exp3: a single
    /// standard draw, expanded to [B]) or, with <paramref name="perSample"/>, B independent σ (the standard EDM loss).
    /// </summary>
    /// <param name="batch">B ≥ 1.</param>
    /// <param name="perSample">True: B independent draws; false: one draw shared by the batch.</param>
    /// <param name="generator">Generator on <paramref name="device"/> (null: the global generator).</param>
    /// <param name="device">Device of σ (null: CPU).</param>
    /// <param name="dtype">Element type of σ (float32 or float64).</param>
    public Tensor SampleBatch(int batch, bool perSample, Generator? generator = null, Device? device = null,
        ScalarType dtype = ScalarType.Float32)
    {
        if (batch < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(batch), batch, "batch must be >= 1.");
        }

        using var scope = NewDisposeScope();
        var draws = perSample
            ? DrawShaped([batch], generator, device ?? CPU, dtype)
            : DrawShaped([1], generator, device ?? CPU, dtype).expand(batch);
        return FromDraw(draws).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>The standard draw (a 0-d tensor): u ~ U[0, 1) for log-uniform, n ~ N(0, 1) for log-normal, the
    /// constant 0 for fixed (no generator use).</summary>
    /// <param name="generator">Generator (null: the global generator).</param>
    /// <param name="device">Device (null: CPU).</param>
    /// <param name="dtype">Element type.</param>
    public abstract Tensor Draw(Generator? generator = null, Device? device = null, ScalarType dtype = ScalarType.Float32);

    /// <summary>Maps a standard draw to σ (any shape; elementwise).</summary>
    /// <param name="draw">u ∈ [0, 1) (log-uniform) or n (log-normal); ignored values for fixed.</param>
    public abstract Tensor FromDraw(Tensor draw);

    /// <summary>The σ below which a fraction <paramref name="p"/> of the draws fall (the inverse CDF): exp of the
    /// p-quantile of log σ.</summary>
    /// <param name="p">Probability in (0, 1).</param>
    public double Quantile(double p)
    {
        if (!(p > 0 && p < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "p must be in (0, 1).");
        }

        return QuantileOf(p);
    }

    private protected abstract double QuantileOf(double p);

    /// <summary>Standard draws of the given shape (see <see cref="Draw"/>).</summary>
    private protected abstract Tensor DrawShaped(long[] shape, Generator? generator, Device device, ScalarType dtype);

    private static void RequirePositive(double value, string name)
    {
        if (!(value > 0.0) || !double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be finite and > 0.");
        }
    }

    private sealed class FixedSampler(double sigma) : SigmaSampler
    {
        public override Tensor Draw(Generator? generator, Device? device, ScalarType dtype) =>
            zeros(Array.Empty<long>(), dtype: dtype, device: device);

        private protected override Tensor DrawShaped(long[] shape, Generator? generator, Device device, ScalarType dtype) =>
            zeros(shape, dtype: dtype, device: device);

        public override Tensor FromDraw(Tensor draw) => full_like(draw, Scalars.Shared(sigma));

        private protected override double QuantileOf(double p) => sigma;
    }

    private sealed class LogUniformSampler(double logMin, double logMax) : SigmaSampler
    {
        private protected override double QuantileOf(double p) => Math.Exp(logMin + p * (logMax - logMin));

        public override Tensor Draw(Generator? generator, Device? device, ScalarType dtype) =>
            RandomDraws.Rand([], dtype, device ?? CPU, generator);

        private protected override Tensor DrawShaped(long[] shape, Generator? generator, Device device, ScalarType dtype) =>
            RandomDraws.Rand(shape, dtype, device, generator);

        public override Tensor FromDraw(Tensor draw)
        {
            using var span = (logMax - logMin).ToScalar();
            using var low = logMin.ToScalar();
            return draw.mul(span).add_(low, Scalars.One).exp_();
        }
    }

    private sealed class LogNormalSampler(double pMean, double pStd) : SigmaSampler
    {
        private protected override double QuantileOf(double p) =>
            Math.Exp(pMean + pStd * MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, p));

        public override Tensor Draw(Generator? generator, Device? device, ScalarType dtype) =>
            RandomDraws.Randn([], dtype, device ?? CPU, generator);

        private protected override Tensor DrawShaped(long[] shape, Generator? generator, Device device, ScalarType dtype) =>
            RandomDraws.Randn(shape, dtype, device, generator);

        public override Tensor FromDraw(Tensor draw)
        {
            using var std = pStd.ToScalar();
            using var mean = pMean.ToScalar();
            return draw.mul(std).add_(mean, Scalars.One).exp_();
        }
    }
}
