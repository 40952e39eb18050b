namespace FluxMatching.Tests.Fields;

using FluxMatching.Fields;

/// <summary>Seeds torch's global generator before building modules, so it runs apart from tests that draw from it.</summary>
[Collection(FluxMatching.Tests.Losses.GlobalRngCollection.Name)]
public class TransformerFieldTests
{
    private static readonly TransformerFieldConfig Tiny = new() { SequenceLength = 5, Features = 2, Hidden = 16, Heads = 2 };

    [Fact]
    public void Causal_mask_makes_the_jacobian_block_lower_triangular()
    {
        var causal = Jacobian(Tiny with { Causal = true }, seed: 1);
        var full = Jacobian(Tiny, seed: 1);
        double aboveCausal = 0, aboveFull = 0, onOrBelowCausal = 0;
        for (int t = 0; t < 5; t++)
        {
            for (int s = 0; s < 5; s++)
            {
                double block = BlockNorm(causal, t, s);
                if (s > t)
                {
                    aboveCausal = Math.Max(aboveCausal, block);
                    aboveFull = Math.Max(aboveFull, BlockNorm(full, t, s));
                }
                else
                {
                    onOrBelowCausal = Math.Max(onOrBelowCausal, block);
                }
            }
        }

        Assert.Equal(0.0, aboveCausal);                                        // ∂f_t/∂x_s = 0 exactly for s > t
        Assert.True(onOrBelowCausal > 1e-3, $"causal lower blocks vanish ({onOrBelowCausal:E2})");
        Assert.True(aboveFull > 1e-3, $"the unmasked field has no upper blocks ({aboveFull:E2})");
        for (int t = 1; t < 5; t++)
        {
            Assert.True(BlockNorm(causal, t, 0) > 1e-6, $"step {t} ignores step 0 under the mask");
        }
    }

    [Fact]
    public void Parameter_counts_match_the_reference_configurations()
    {
        // the authors' baselines: 96/2/4 has 244,902 and 256/4/4 has 3,294,982 parameters including the 1,538 of the
        // auxiliary ExponentialIS and LossNormalizer, which the field does not own.
        using (var small = new TransformerField(new TransformerFieldConfig { Hidden = 96, Depth = 2, Heads = 4 }))
        {
            Assert.Equal(244_902 - 1_538, small.parameters().Sum(p => p.numel()));
        }

        using var readme = new TransformerField(new TransformerFieldConfig { Hidden = 256, Depth = 4, Heads = 4 });
        Assert.Equal(3_294_982 - 1_538, readme.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void Field_is_the_raw_head_over_sigma_and_keeps_the_input_shape()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(3);
        using var field = new TransformerField(Tiny);
        var x = torch.randn(3, 5, 2);
        var sigma = torch.tensor(new float[] { 0.5f, 2f, 10f });
        var f = field.Evaluate(x, sigma);
        Assert.Equal(x.shape, f.shape);
        var raw = field.EvaluateRaw(x, sigma);
        Assert.True(f.mul(sigma.view(3, 1, 1)).allclose(raw, rtol: 1e-5, atol: 1e-6));
        var flat = field.Evaluate(x.reshape(3, 10), sigma);
        Assert.Equal(new long[] { 3, 10 }, flat.shape);
        Assert.True(flat.reshape(3, 5, 2).allclose(f));
        var scalarSigma = field.Evaluate(x, torch.tensor(2f));
        Assert.True(scalarSigma[1].allclose(f[1]));
        Assert.Equal(10, field.Dimension);
        Assert.True(field.IsNoiseConditioned);
    }

    [Fact]
    public void Second_order_gradients_reach_every_parameter_that_shapes_the_jacobian()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(4);
        using var field = new TransformerField(Tiny with { Causal = true });
        var x = torch.randn(2, 10).requires_grad_(true);
        var f = field.Evaluate(x, torch.tensor(0.7f));
        var probe = torch.randn(2, 10);
        var vjp = torch.autograd.grad([f], [x], [probe], retain_graph: true, create_graph: true)[0];
        vjp.square().sum().backward();
        foreach (var (name, p) in field.named_parameters())
        {
            if (name is "out_norm.bias" or "out_proj.bias")
            {
                Assert.True(p.grad is null, $"{name} only shifts f by a constant; its Jacobian term is zero");   // as in PyTorch
                continue;
            }

            Assert.True(p.grad is not null && p.grad.isfinite().all().ToBoolean(), $"no finite grad for {name}");
            Assert.True(p.grad!.abs().sum().ToDouble() > 0, $"zero grad for {name}");
        }
    }

    [Fact]
    public void Without_input_scaling_the_raw_head_forgets_the_token_norm_at_large_sigma()
    {
        // The reference's design: tokens Linear(x_σ) grow like σ, swamp the O(1) block updates and σ context, and
        // the head's LayerNorm keeps only their direction, so raw(2x) ≈ raw(x) at σ = 80 although the ε target
        // (x_σ − x̂0)/σ doubles. With ScaleInput the input is x_σ/√(1 + σ²) and the head sees the norm.
        using var scope = torch.NewDisposeScope();
        var sigma = torch.tensor(80f);
        var x = torch.randn(4, 5, 2, generator: new torch.Generator(5)).mul(80f);
        torch.manual_seed(6);
        using var plain = new TransformerField(Tiny);
        double plainChange = plain.EvaluateRaw(x.mul(2f), sigma).sub(plain.EvaluateRaw(x, sigma)).norm().ToDouble()
            / plain.EvaluateRaw(x, sigma).norm().ToDouble();
        torch.manual_seed(6);
        using var scaled = new TransformerField(Tiny with { ScaleInput = true });
        double scaledChange = scaled.EvaluateRaw(x.mul(2f), sigma).sub(scaled.EvaluateRaw(x, sigma)).norm().ToDouble()
            / scaled.EvaluateRaw(x, sigma).norm().ToDouble();
        Assert.True(plainChange < 0.05, $"unscaled raw head changed by {plainChange:F3} when x doubled");
        Assert.True(scaledChange > 0.2, $"scaled raw head changed only by {scaledChange:F3} when x doubled");
    }

    [Fact]
    public void Input_scaling_feeds_x_over_sqrt_data_var_plus_sigma_squared()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.randn(3, 5, 2, generator: new torch.Generator(7)).mul(5f);
        var sigma = torch.tensor(new float[] { 0.01f, 1.5f, 40f });
        torch.manual_seed(8);
        using var plain = new TransformerField(Tiny);
        torch.manual_seed(8);
        using var scaled = new TransformerField(Tiny with { ScaleInput = true, InputScaleDataStd = 0.5 });
        var cIn = sigma.square().add(0.25f).rsqrt().view(3, 1, 1);
        var expected = plain.EvaluateRaw(x.mul(cIn), sigma);
        Assert.True(scaled.EvaluateRaw(x, sigma).allclose(expected, rtol: 1e-5, atol: 1e-6));
        Assert.True(scaled.Evaluate(x.reshape(3, 10), sigma).reshape(3, 5, 2)
            .allclose(expected.div(sigma.view(3, 1, 1)), rtol: 1e-5, atol: 1e-6));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TransformerField(Tiny with { InputScaleDataStd = 0 }));
    }

    [Fact]
    public void Invalid_configurations_and_inputs_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new TransformerField(Tiny with { Heads = 3 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TransformerField(Tiny with { SequenceLength = 0 }));
        using var field = new TransformerField(Tiny);
        using var bad = torch.zeros(2, 4, 2);
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => field.Evaluate(bad, torch.tensor(1f))).ParamName);
        using var x = torch.zeros(2, 5, 2);
        Assert.Throws<ArgumentNullException>(() => field.Evaluate(x));
        Assert.Equal("sigma", Assert.Throws<ArgumentException>(() => field.Evaluate(x, torch.ones(3))).ParamName);
    }

    // J[o, i] = ∂f_o/∂x_i for one sequence, flattened (index = t·C + c), in float64.
    private static double[,] Jacobian(TransformerFieldConfig config, int seed)
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(seed);
        using var field = new TransformerField(config);
        field.to(ScalarType.Float64);
        int d = config.SequenceLength * config.Features;
        var x = torch.randn(1, d, ScalarType.Float64).requires_grad_(true);
        var f = field.Evaluate(x, torch.tensor(0.7, ScalarType.Float64));
        var jac = new double[d, d];
        for (int o = 0; o < d; o++)
        {
            var g = torch.autograd.grad([f[0, o]], [x], retain_graph: true)[0].data<double>().ToArray();
            for (int i = 0; i < d; i++)
            {
                jac[o, i] = g[i];
            }
        }

        return jac;
    }

    private static double BlockNorm(double[,] jac, int t, int s)
    {
        double sum = 0;
        for (int a = 0; a < 2; a++)
        {
            for (int b = 0; b < 2; b++)
            {
                sum += jac[(t * 2) + a, (s * 2) + b] * jac[(t * 2) + a, (s * 2) + b];
            }
        }

        return Math.Sqrt(sum);
    }
}
