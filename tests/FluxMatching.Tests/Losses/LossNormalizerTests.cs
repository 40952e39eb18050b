namespace FluxMatching.Tests.Losses;

using FluxMatching.Losses;

/// <summary>LossNormalizer golden values of the authors' src/exponential.py and src/normalizer.py</summary>
public class LossNormalizerTests
{
    private static LossNormalizer Zeroed()
    {
        var n = new LossNormalizer().to(ScalarType.Float64);
        using var _ = no_grad();
        foreach (var p in n.parameters())
        {
            p.zero_();
        }

        return n;
    }

    [Fact]
    public void Zero_parameters_leave_the_loss_unchanged()
    {
        using var scope = NewDisposeScope();
        var n = Zeroed();
        var loss = tensor(new[] { 1.5, -2.0, 7.25 });
        Assert.Equal([0.0], Numerics.Values(n.forward(tensor(new[] { 0.3 }))));
        Assert.Equal(Numerics.Values(loss), Numerics.Values(n.Normalize(loss, tensor(new[] { 0.3 }))));
    }

    [Fact]
    public void Custom_parameters_give_the_golden_scales_including_negative_ones()
    {
        using var scope = NewDisposeScope();
        var n = Zeroed();
        using (no_grad())
        {
            n.InputLayer.weight![0, 0] = tensor(1.0);
            n.OutputLayer.weight![0, 0] = tensor(-3.0);
            n.OutputLayer.bias![0] = tensor(0.25);
        }

        Numerics.AssertRelative([1.9769388197455342, 0.25, -3.036519976005411],
            n.forward(tensor(new[] { 0.1, 1.0, 80.0 })), 1e-15);
    }

    [Fact]
    public void The_normalised_loss_is_loss_over_exp_s_plus_s()
    {
        using var scope = NewDisposeScope();
        var n = new LossNormalizer(hidden: 8).to(ScalarType.Float64);
        var sigma = tensor(new[] { 0.7 });
        double s = n.forward(sigma).ToDouble();
        var loss = tensor(new[] { 3.0, -1.0 });
        Numerics.AssertRelative([3.0 / Math.Exp(s) + s, -1.0 / Math.Exp(s) + s], n.Normalize(loss, sigma), 1e-15);
        Assert.Equal(769, new LossNormalizer().parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void SetAffine_makes_the_normalizer_the_given_line_in_log_sigma()
    {
        using var scope = NewDisposeScope();
        var n = new LossNormalizer().to(ScalarType.Float64);   // random start, as in training
        n.SetAffine(intercept: 3.5, slope: -2.25);
        double[] sigmas = [0.002, 0.05, 0.3, 1.0, 7.0, 80.0];
        var got = Numerics.Values(n.forward(tensor(sigmas)));
        for (int i = 0; i < sigmas.Length; i++)
        {
            Assert.Equal(3.5 - 2.25 * Math.Log(sigmas[i]), got[i], 10);
        }
    }

    [Fact]
    public void FitAffine_recovers_an_exact_line_and_gives_a_flat_one_for_a_single_point()
    {
        double[] x = [-3, -1.5, 0, 0.7, 2];
        var (a, b) = LossNormalizer.FitAffine(x, x.Select(v => 4 - 3 * v).ToArray());
        Assert.Equal(4, a, 12);
        Assert.Equal(-3, b, 12);
        Assert.Equal((2.5, 0.0), LossNormalizer.FitAffine([1.0], [2.5]));
        var e = Assert.Throws<ArgumentException>(() => LossNormalizer.FitAffine([1.0, 2.0], [2.5]));
        Assert.Contains("logLoss", e.Message);
    }
}
