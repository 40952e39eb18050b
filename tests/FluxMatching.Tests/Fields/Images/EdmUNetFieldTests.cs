namespace FluxMatching.Tests.Fields.Images;

using FluxMatching.Fields.Images;
using FluxMatching.Losses;

public class EdmUNetFieldTests
{
    [Fact]
    public void The_denoiser_is_the_edm_combination_of_input_and_raw_output()
    {
        manual_seed(5);
        using var field = new EdmUNetField(UNetTests.Small).to(ScalarType.Float64);
        var z = randn(3, 1, 8, 8, dtype: ScalarType.Float64);
        var sigma = tensor(new[] { 0.1, 1.0, 5.0 });
        using var _ = no_grad();
        var (d, f) = field.DenoiseWithRaw(z, sigma);
        var s2 = sigma.square().view(-1, 1, 1, 1);
        var cSkip = s2.add(0.25).reciprocal().mul(0.25);
        var cOut = sigma.view(-1, 1, 1, 1).mul(0.5).div(s2.add(0.25).sqrt());
        Assert.True(d.allclose(z.mul(cSkip).add(f.mul(cOut)), rtol: 1e-12, atol: 1e-12));
        // F sees c_in·z and c_noise = ln σ / 4: evaluate the network directly.
        var direct = field.Network.forward(z.div(s2.add(0.25).sqrt()), sigma.log().div(4));
        Assert.True(f.allclose(direct, rtol: 1e-12, atol: 1e-12));
    }

    [Fact]
    public void The_flux_field_is_the_tweedie_score_of_the_denoiser()
    {
        manual_seed(6);
        using var field = new EdmUNetField(UNetTests.Small).to(ScalarType.Float64);
        var z = randn(2, 1, 8, 8, dtype: ScalarType.Float64);
        var sigma = tensor(0.7);
        using var _ = no_grad();
        var expected = field.Denoise(z, sigma).sub(z).div(0.49);
        Assert.True(field.Evaluate(z, sigma).allclose(expected, rtol: 1e-12, atol: 1e-12));
    }

    [Fact]
    public void Flattened_points_give_the_same_field_as_images()
    {
        manual_seed(7);
        using var field = new EdmUNetField(UNetTests.Small);
        var z = randn(2, 64);
        var sigma = tensor(new float[] { 0.5f, 2f });
        using var _ = no_grad();
        var flat = field.Evaluate(z, sigma);
        Assert.Equal(new long[] { 2, 64 }, flat.shape);
        Assert.True(flat.allclose(field.Evaluate(z.view(2, 1, 8, 8), sigma).view(2, 64)));
        Assert.Equal(64, field.Dimension);
        Assert.True(field.IsNoiseConditioned);
        Assert.Equal(ScalarType.Float32, field.DType);
        Assert.Equal(DeviceType.CPU, field.Device.type);
    }

    [Fact]
    public void Wrong_shapes_and_sigma_counts_are_refused_with_the_expected_shape()
    {
        using var field = new EdmUNetField(UNetTests.Small);
        var e = Assert.Throws<ArgumentException>(() => field.Evaluate(randn(2, 3, 8, 8), tensor(1f)));
        Assert.Contains("[B, 1, 8, 8] or [B, 64]", e.Message);
        e = Assert.Throws<ArgumentException>(() => field.Evaluate(randn(2, 64), ones(3)));
        Assert.Contains("sigma has 3 elements", e.Message);
        Assert.Throws<ArgumentNullException>(() => field.Evaluate(randn(2, 64)));
    }

    [Fact]
    public void Dropout_is_active_in_training_mode_only()
    {
        manual_seed(8);
        using var field = new EdmUNetField(UNetTests.Small with { Dropout = 0.5 });
        var z = randn(2, 64);
        var sigma = tensor(1f);
        using var _ = no_grad();
        field.train();
        Assert.False(field.Evaluate(z, sigma).equal(field.Evaluate(z, sigma)).all().item<bool>());
        field.eval();
        Assert.True(field.Evaluate(z, sigma).equal(field.Evaluate(z, sigma)).all().item<bool>());
    }

    [Fact]
    public void The_annealed_flux_loss_takes_the_field_as_any_noise_conditioned_field_and_reaches_every_parameter()
    {
        manual_seed(9);
        using var field = new EdmUNetField(UNetTests.Small with { Dropout = 0.0 }).to(ScalarType.Float64);
        var x = rand(4, 1, 8, 8, dtype: ScalarType.Float64).mul(2).sub(1);
        var sigma = tensor(0.8);
        var draws = new FluxLossDraws(randn(4, 64, dtype: ScalarType.Float64), tensor(0.3, dtype: ScalarType.Float64),
            Enumerable.Range(0, 4).Select(_ => randn(4, 64, dtype: ScalarType.Float64)).ToList(),
            randint(0, 2, [4, 64], dtype: ScalarType.Int64));
        var annealed = new AnnealedFluxLoss().Compute(field, x, sigma, draws: draws);
        var direct = new FluxMatchingLoss().Compute(z => field.Evaluate(z, sigma), x, 0.64, draws: draws);
        Assert.True(annealed.Raw.allclose(direct.PerSample, rtol: 1e-10, atol: 1e-10));
        annealed.Raw.mean().backward();
        // Every parameter gets a gradient (the time projection into a GroupNorm with one channel per group gets one
        // that is zero in exact arithmetic, so only its presence is checked).
        var untouched = field.Network.named_parameters().Where(e => e.parameter.grad is null).Select(e => e.name);
        Assert.Empty(untouched);
        Assert.True(field.Network.parameters().Sum(p => p.grad!.square().sum().item<double>()) > 0);
    }
}
