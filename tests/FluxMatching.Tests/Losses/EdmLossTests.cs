namespace FluxMatching.Tests.Losses;

using FluxMatching.Losses;

public class EdmLossTests
{
    [Fact]
    public void The_identity_denoiser_costs_the_weighted_noise_energy()
    {
        var x = randn(3, 1, 4, 4, dtype: ScalarType.Float64);
        var eps = randn(3, 1, 4, 4, dtype: ScalarType.Float64);
        var sigma = tensor(new[] { 0.1, 1.0, 3.0 });
        var loss = EdmLoss.Compute(z => z, x, sigma, 0.5, eps);
        var lambda = sigma.square().add(0.25).div(sigma.square().mul(0.25));
        var expected = lambda.mul(sigma.square()).mul(eps.reshape(3, -1).square().mean([1]));
        Assert.True(loss.allclose(expected, rtol: 1e-12, atol: 0));
    }

    [Fact]
    public void A_perfect_denoiser_costs_nothing_and_gradients_reach_it()
    {
        var x = randn(2, 8, dtype: ScalarType.Float64);
        var shift = zeros(1, dtype: ScalarType.Float64).requires_grad_(true);
        var loss = EdmLoss.Compute(_ => x.add(shift), x, tensor(new[] { 0.5, 2.0 }));
        Assert.Equal(0.0, loss.abs().max().item<double>(), 15);
        loss.sum().backward();
        Assert.NotNull(shift.grad);
    }

    [Fact]
    public void Per_sample_kde_dsm_with_one_sigma_equals_the_one_sigma_loss()
    {
        var x = randn(5, 2, 3, dtype: ScalarType.Float64);
        var eps = randn(5, 2, 3, dtype: ScalarType.Float64);
        Func<Tensor, Tensor> denoiser = z => z.mul(0.7);
        var one = DsmLoss.X0Kde(denoiser, x, 0.36, 0.5, eps);
        var perSample = DsmLoss.X0KdePerSample(denoiser, x, full(5, 0.6, dtype: ScalarType.Float64), 0.5, eps);
        Assert.True(perSample.allclose(one, rtol: 1e-12, atol: 1e-14));
    }

    [Fact]
    public void Per_sample_kde_dsm_gives_each_row_its_own_bandwidth()
    {
        var x = randn(4, 6, dtype: ScalarType.Float64);
        var eps = randn(4, 6, dtype: ScalarType.Float64);
        var sigma = tensor(new[] { 0.2, 0.5, 1.0, 4.0 });
        Func<Tensor, Tensor> denoiser = z => z.mul(0.5);
        var loss = DsmLoss.X0KdePerSample(denoiser, x, sigma, 0.5, eps);
        for (int b = 0; b < 4; b++)
        {
            double s = sigma[b].item<double>();
            var row = DsmLoss.X0Kde(denoiser, x, s * s, 0.5, eps)[b].item<double>();
            Assert.Equal(row, loss[b].item<double>(), 12);
        }
    }

    [Fact]
    public void A_sigma_count_other_than_the_batch_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => EdmLoss.Compute(z => z, randn(3, 4), ones(2)));
        Assert.Contains("sigma must hold B = 3 values > 0", e.Message);
    }
}
