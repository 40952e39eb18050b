namespace FluxMatching.Tests.Sampling;

using FluxMatching.Fields;
using FluxMatching.Fields.Images;
using FluxMatching.Sampling;
using FluxMatching.Tests.Fields.Images;
using FluxMatching.Tests.Losses;

/// <summary>The σ-grid samplers and the likelihood on the EDM U-Net field (flattened 1 × 8 × 8 images): its own
/// denoiser is used, and it agrees with Tweedie's formula through its flux field f = (D − z)/σ².</summary>
[Collection(GlobalRngCollection.Name)]
public class ImageFieldSamplingTests
{
    [Fact]
    public void Heun_on_the_unet_uses_its_denoiser_and_agrees_with_tweedie()
    {
        using var scope = NewDisposeScope();
        manual_seed(11);
        using var field = new EdmUNetField(UNetTests.Small).to(ScalarType.Float64);
        field.eval();
        var x0 = randn([4, field.Dimension], ScalarType.Float64, generator: new Generator(1)).mul(80.0);
        var sampler = new EdmHeunSampler(new EdmHeunOptions { Steps = 3 });
        var own = sampler.Sample(field, x0);
        var tweedie = sampler.Sample(new EvaluateOnly(field), x0);
        Assert.Equal(5, own.FunctionEvaluations);
        Assert.Equal([4L, field.Dimension], own.Samples.shape);
        Assert.True(own.Samples.abs().max().item<double>() <= 1.0 + 1e-12);   // the last step lands on the clamped D (up to rounding)
        Assert.True(own.Samples.allclose(tweedie.Samples, rtol: 1e-9, atol: 1e-9));
    }

    [Fact]
    public void The_likelihood_of_unet_images_is_finite_with_the_eight_bit_offset()
    {
        using var scope = NewDisposeScope();
        manual_seed(12);
        using var field = new EdmUNetField(UNetTests.Small).to(ScalarType.Float64);
        field.eval();
        var images = rand([2, field.Dimension], ScalarType.Float64, generator: new Generator(2)).mul(2).sub(1);
        // A short σ range and loose tolerances keep the untrained U-Net's ODE to a few evaluations on the CPU.
        var options = new LikelihoodOptions
        {
            SigmaMin = 0.5, SigmaMax = 2, Rtol = 1e-2, Atol = 1e-2, BitsPerDimOffset = LikelihoodOptions.EightBitImageOffset,
        };
        var r = new ProbabilityFlowLikelihood(options).Evaluate(field, images, new Generator(3));
        Assert.Equal([2L], r.BitsPerDim.shape);
        Assert.True(r.BitsPerDim.isfinite().all().item<bool>());
        var expected = r.NegativeLogLikelihood.div(field.Dimension * Math.Log(2)).add(7.0);
        Assert.True(r.BitsPerDim.allclose(expected, rtol: 1e-12, atol: 1e-12));
    }

    /// <summary>Hides the field's own denoiser: samplers then go through f and Tweedie's formula.</summary>
    private sealed class EvaluateOnly(IVectorField inner) : IVectorField
    {
        public int Dimension => inner.Dimension;

        public bool IsNoiseConditioned => true;

        public ScalarType DType => inner.DType;

        public Tensor Evaluate(Tensor x, Tensor? sigma = null) => inner.Evaluate(x, sigma);
    }
}
