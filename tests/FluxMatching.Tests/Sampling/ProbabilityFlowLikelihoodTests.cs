namespace FluxMatching.Tests.Sampling;

using FluxMatching.Sampling;

/// <summary>
/// The PF-ODE likelihood on data N(μ, diag(s²)) in D = 3 dimensions, where everything is known in closed form
/// (<see cref="GaussianDataField"/>): the ODE maps x to x_T = μ + (x − μ)·√((s² + σ_max²)/(s² + σ_min²)) and
/// ∫∇·v dσ = Σ_i ½ ln((s_i² + σ_max²)/(s_i² + σ_min²)), so the estimator's exact answer is
/// NLL_ODE = −log N(x_T; 0, σ_max² I) − ∫∇·v. The true NLL, −log N(x; μ, diag(s² + σ_min²)), differs from it only by the
/// prior's mismatch log N(x_T; μ, diag(s² + σ_max²)) − log N(x_T; 0, σ_max² I), computed here too: it is below
/// 0.01 bits/dim for σ_max = 80 (the data's spread and offset are &lt; 1 against σ_max = 80).
/// </summary>
public class ProbabilityFlowLikelihoodTests
{
    private static readonly double[] Mu = [0.3, -0.2, 0.1];
    private static readonly double[] Std = [0.3, 0.5, 0.8];
    private const double SigmaMin = 0.002;
    private const double SigmaMax = 80.0;

    [Theory]
    [InlineData(DivergenceEstimator.Exact)]
    [InlineData(DivergenceEstimator.Rademacher)]
    public void Matches_the_closed_form_of_gaussian_data(DivergenceEstimator divergence)
    {
        // Rademacher probes are exact here: the drift's Jacobian is diagonal and ε_i² = 1.
        using var scope = NewDisposeScope();
        var field = new GaussianDataField(Mu, Std);
        var x = Data(16, seed: 1);
        var options = new LikelihoodOptions { Rtol = 1e-7, Atol = 1e-7, Divergence = divergence };
        var r = new ProbabilityFlowLikelihood(options).Evaluate(field, x, new Generator(2));
        var want = ClosedForm(field, x);
        // Heun–Euler at rtol = atol = 1e-7: the state and the integral are accurate to ~1e-6 relative; the NLL
        // (≈ 22 nats per point, dominated by terms of size ln σ_max) to well under 1e-3 nats.
        double worst = r.NegativeLogLikelihood.sub(want).abs().max().item<double>();
        Assert.True(worst < 1e-3, $"max |NLL − closed form| = {worst} nats ({r.FunctionEvaluations} NFE)");
        Assert.True(r.Latent.sub(field.Flow(x, SigmaMin, SigmaMax)).abs().max().item<double>() < 1e-3);
        Assert.Equal(field.Evaluations, r.FunctionEvaluations);
    }

    [Fact]
    public void Bits_per_dim_match_the_exact_gaussian_density_within_the_prior_mismatch()
    {
        using var scope = NewDisposeScope();
        var field = new GaussianDataField(Mu, Std);
        var x = Data(16, seed: 3);
        var r = new ProbabilityFlowLikelihood(new LikelihoodOptions { Rtol = 1e-7, Atol = 1e-7, Divergence = DivergenceEstimator.Exact })
            .Evaluate(field, x);
        double perBit = Mu.Length * Math.Log(2);
        var exactBits = field.NegativeLogDensity(x, SigmaMin).div(perBit);
        var mismatchBits = ClosedForm(field, x).sub(field.NegativeLogDensity(x, SigmaMin)).div(perBit);
        Assert.True(mismatchBits.abs().max().item<double>() < 0.01, "the prior mismatch is small at σ_max = 80");
        double worst = r.BitsPerDim.sub(exactBits).abs().sub(mismatchBits.abs()).max().item<double>();
        Assert.True(worst < 1e-3, $"|bits/dim − exact| exceeds the prior mismatch by {worst}");
    }

    [Fact]
    public void The_eight_bit_offset_adds_7_bits_per_dim()
    {
        using var scope = NewDisposeScope();
        var field = new GaussianDataField(Mu, Std);
        var x = Data(4, seed: 4);
        var plain = new ProbabilityFlowLikelihood(new LikelihoodOptions { Rtol = 1e-4, Atol = 1e-4 }).Evaluate(field, x, new Generator(1));
        var images = new ProbabilityFlowLikelihood(new LikelihoodOptions { Rtol = 1e-4, Atol = 1e-4, BitsPerDimOffset = LikelihoodOptions.EightBitImageOffset })
            .Evaluate(field, x, new Generator(1));
        Assert.Equal(7.0, LikelihoodOptions.EightBitImageOffset);
        Assert.True(images.BitsPerDim.sub(plain.BitsPerDim).sub(7.0).abs().max().item<double>() < 1e-12);
    }

    [Fact]
    public void Gaussian_probes_are_unbiased_over_many_points()
    {
        // With one Gaussian probe kept along the path, the estimate of each point's ∫∇·v is (Σ_i ε_i² w_i) where
        // w_i = ½ ln((s_i² + σ_max²)/(s_i² + σ_min²)) ≈ 5.8–6.6 nats: mean exact, std ≈ √2·|w| ≈ 14.8 nats.
        // Over 256 points the mean's standard error is ≈ 0.93 nats; asserted within 4 of them, and the per-point
        // spread well above zero (the probes do vary).
        using var scope = NewDisposeScope();
        var field = new GaussianDataField(Mu, Std);
        var x = Data(256, seed: 5);
        var r = new ProbabilityFlowLikelihood(new LikelihoodOptions { Rtol = 1e-5, Atol = 1e-5, Divergence = DivergenceEstimator.Gaussian })
            .Evaluate(field, x, new Generator(6));
        var error = r.NegativeLogLikelihood.sub(ClosedForm(field, x));
        Assert.True(Math.Abs(error.mean().item<double>()) < 4 * 0.93, $"mean error {error.mean().item<double>()}");
        Assert.True(error.std().item<double>() > 5);
    }

    [Fact]
    public void A_seeded_generator_makes_the_estimate_reproducible()
    {
        using var scope = NewDisposeScope();
        var field = new GaussianDataField(Mu, Std);
        var x = Data(8, seed: 7);
        var estimator = new ProbabilityFlowLikelihood(new LikelihoodOptions { Rtol = 1e-4, Atol = 1e-4, Divergence = DivergenceEstimator.Gaussian, Probes = 2 });
        var a = estimator.Evaluate(field, x, new Generator(9)).BitsPerDim;
        var b = estimator.Evaluate(field, x, new Generator(9)).BitsPerDim;
        var c = estimator.Evaluate(field, x, new Generator(10)).BitsPerDim;
        Assert.True(a.eq(b).all().item<bool>());
        Assert.False(a.eq(c).all().item<bool>());
    }

    [Fact]
    public void Bad_settings_name_the_parameter()
    {
        Assert.Contains("options.Probes", Assert.Throws<ArgumentOutOfRangeException>(() => new ProbabilityFlowLikelihood(new LikelihoodOptions { Probes = 0 })).Message);
        Assert.Contains("options.BitsPerDimOffset", Assert.Throws<ArgumentOutOfRangeException>(() => new ProbabilityFlowLikelihood(new LikelihoodOptions { BitsPerDimOffset = double.NaN })).Message);
        Assert.Contains("options.Divergence", Assert.Throws<ArgumentOutOfRangeException>(() => new ProbabilityFlowLikelihood(new LikelihoodOptions { Divergence = (DivergenceEstimator)7 })).Message);
    }

    private static Tensor Data(int n, int seed) =>
        randn([n, 3], ScalarType.Float64, generator: new Generator((ulong)seed)).mul(tensor(Std, ScalarType.Float64)).add(tensor(Mu, ScalarType.Float64));

    /// <summary>The estimator's exact answer NLL_ODE [N] (see the class summary).</summary>
    private static Tensor ClosedForm(GaussianDataField field, Tensor x)
    {
        var latent = field.Flow(x, SigmaMin, SigmaMax);
        double d = x.shape[1], integral = Std.Sum(s => 0.5 * Math.Log(((s * s) + (SigmaMax * SigmaMax)) / ((s * s) + (SigmaMin * SigmaMin))));
        var logPrior = latent.square().sum(1).mul(-0.5 / (SigmaMax * SigmaMax)).sub(0.5 * d * Math.Log(2 * Math.PI * SigmaMax * SigmaMax));
        return logPrior.add(integral).neg();
    }
}
