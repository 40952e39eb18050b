namespace FluxMatching.Tests.Losses;

using FluxMatching.Losses;

/// <summary>ExponentialIS golden values and invariants of the authors' src/exponential.py and src/normalizer.py</summary>
public class ExponentialTimeProposalTests
{
    private static ExponentialTimeProposal Zeroed(int hidden = 256)
    {
        var q = new ExponentialTimeProposal(hidden).to(ScalarType.Float64);
        using var _ = no_grad();
        foreach (var p in q.parameters())
        {
            p.zero_();
        }

        return q;
    }

    /// <summary>input.weight[0,0] = 1, output.weight[0,0] = 2, output.bias = 0.5, rest 0.</summary>
    private static ExponentialTimeProposal Custom()
    {
        var q = Zeroed();
        using var _ = no_grad();
        q.InputLayer.weight![0, 0] = tensor(1.0);
        q.OutputLayer.weight![0, 0] = tensor(2.0);
        q.OutputLayer.bias![0] = tensor(0.5);
        return q;
    }

    private static Tensor Sigmas(params double[] s) => tensor(s);

    [Fact]
    public void With_zero_parameters_the_rate_is_one_plus_log_two_and_the_log_density_is_golden()
    {
        using var scope = NewDisposeScope();
        var q = Zeroed();
        Numerics.AssertRelative([1.6931471805599454, 1.6931471805599454], q.Rate(Sigmas(0.1, 80)), 1e-15);
        Numerics.AssertRelative([0.5277344172704825, -1.165412763289463, -6.244854304969299],
            q.LogDensity(tensor(new[] { 0.0, 1.0, 4.0 }), Sigmas(1.0)), 1e-14);
    }

    [Fact]
    public void Custom_parameters_give_the_golden_rates()
    {
        using var scope = NewDisposeScope();
        Numerics.AssertRelative([1.4196121939938104, 1.9740769841801067, 3.7566251896748604],
            Custom().Rate(Sigmas(0.1, 1, 80)), 1e-15);
    }

    [Fact]
    public void Sampling_from_a_given_uniform_gives_the_golden_horizon_and_density()
    {
        using var scope = NewDisposeScope();
        var sample = Custom().Sample(Sigmas(1.0), tensor(new[] { 0.970053001806553 }));
        Assert.Equal(1.77112879297695, sample.T.ToDouble(), 1e-13);
        Assert.Equal(0.0598525367483409, sample.Density.ToDouble(), 1e-15);
        Assert.True(sample.Density.requires_grad);
    }

    [Fact]
    public void The_density_integrates_to_one_over_the_horizon()
    {
        using var scope = NewDisposeScope();
        const int n = 400_001;
        var t = linspace(0.0, 4.0, n, dtype: ScalarType.Float64);
        var q = Custom().LogDensity(t, Sigmas(0.3)).exp().detach();
        double integral = trapezoid(q, dx: 4.0 / (n - 1)).ToDouble();
        Assert.Equal(1.0, integral, 1e-10);
    }

    [Fact]
    public void The_reinforce_term_and_its_gradient_are_golden_and_reach_only_the_rate()
    {
        using var scope = NewDisposeScope();
        var q = Custom();
        var target = tensor(3.0).requires_grad_(true);
        var t = tensor(new[] { 0.7 }).requires_grad_(true);
        var loss = q.ReinforceLoss(t, Sigmas(1.0), target);
        Numerics.AssertRelative([2.1041422963985736], loss, 1e-15);
        loss.sum().backward();
        Assert.Equal(0.36399521239389115, q.OutputLayer.bias!.grad!.ToDouble(), 1e-15);
        Assert.Null(target.grad);
        Assert.Null(t.grad);
    }

    [Fact]
    public void Sampled_horizons_follow_the_truncated_exponential_cdf()
    {
        using var scope = NewDisposeScope();
        var q = Custom();
        var sigma = Sigmas(0.5);
        double lambda = q.Rate(sigma).ToDouble();
        var generator = new Generator(123);
        const int n = 2000;
        var samples = new double[n];
        for (int i = 0; i < n; i++)
        {
            var s = q.Sample(sigma, generator: generator);
            samples[i] = s.T.ToDouble();
            Assert.InRange(samples[i], 0.0, 4.0);
        }

        Array.Sort(samples);
        double norm = 1.0 - Math.Exp(-lambda * 4.0), ks = 0;
        for (int i = 0; i < n; i++)
        {
            double cdf = (1.0 - Math.Exp(-lambda * samples[i])) / norm;
            ks = Math.Max(ks, Math.Max(Math.Abs(cdf - (double)i / n), Math.Abs(cdf - (i + 1.0) / n)));
        }

        Assert.True(ks < 1.95 / Math.Sqrt(n), $"KS statistic {ks:F4}");      // α = 0.001
    }

    [Fact]
    public void One_uniform_serves_every_sigma_and_the_rate_exceeds_one()
    {
        using var scope = NewDisposeScope();
        var q = new ExponentialTimeProposal(hidden: 16).to(ScalarType.Float64);
        var sigma = Sigmas(0.02, 0.5, 3.0);
        var sample = q.Sample(sigma, generator: new Generator(1));
        Assert.Equal(new long[] { 3 }, sample.T.shape);
        Assert.Equal(1, sample.Uniform.numel());
        Assert.True((q.Rate(sigma) > 1.0).all().item<bool>());
    }

    [Fact]
    public void The_rate_head_is_affine_in_log_sigma_before_the_softplus()
    {
        using var scope = NewDisposeScope();
        var q = new ExponentialTimeProposal(hidden: 32).to(ScalarType.Float64);
        var lambda = q.Rate(Sigmas(Math.Exp(-1), 1.0, Math.Exp(1)));
        var head = (lambda - 1.0).expm1().log();                            // softplus⁻¹(λ − 1)
        double secondDifference = (head[0] - 2 * head[1] + head[2]).ToDouble();
        Assert.True(Math.Abs(secondDifference) < 1e-12, $"{secondDifference:E2}");
    }

    [Fact]
    public void Sigma_of_another_dtype_and_bad_horizons_are_rejected()
    {
        using var scope = NewDisposeScope();
        var q = Zeroed(4);
        Assert.Throws<ArgumentException>(() => q.Rate(tensor(new[] { 1.0f })));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialTimeProposal(4, horizon: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialTimeProposal(0));
        Assert.Throws<ArgumentException>(() => q.Sample(Sigmas(1.0), tensor(new[] { 0.1, 0.2 })));
    }
}
