namespace FluxMatching.Tests.Fields;

using FluxMatching.Data;
using FluxMatching.Fields;
using FluxMatching.Models;
using FluxMatching.Tests.Losses;
using FluxMatching.Training;

[Collection(GlobalRngCollection.Name)]
public class GaussianMixtureFieldTests
{
    private static GaussianMixtureField Field(bool skew = false, bool noiseConditioned = false, int d = 3, int k = 4)
    {
        torch.manual_seed(5);
        var field = new GaussianMixtureField(d, k, skew, noiseConditioned);
        using (no_grad())
        {
            // Parameters away from their initial values, so every term of the score is exercised.
            foreach (var p in field.parameters())
            {
                p.add_(randn(p.shape).mul(0.3));
            }
        }

        return field.to(ScalarType.Float64);
    }

    private static Tensor AutogradScore(GaussianMixtureField field, Tensor x)
    {
        var xr = x.detach().clone().requires_grad_(true);
        return autograd.grad([field.LogDensity(xr).sum()], [xr])[0];
    }

    [Fact]
    public void Its_score_is_the_gradient_of_its_log_density()
    {
        using var scope = NewDisposeScope();
        var field = Field();
        var x = randn(32, 3, ScalarType.Float64, generator: new Generator(1)).mul(2);
        var f = field.Evaluate(x);
        Assert.True(f.allclose(AutogradScore(field, x), rtol: 1e-10, atol: 1e-12));
        Assert.True(field.Score(x).allclose(f, rtol: 1e-12, atol: 1e-14));
    }

    [Fact]
    public void Its_log_density_matches_the_closed_form_mixture_of_the_same_parameters()
    {
        using var scope = NewDisposeScope();
        var field = Field();
        var means = field.Means.data<double>().ToArray();
        var scales = field.Scales.data<double>().ToArray();
        var weights = field.Weights.data<double>().ToArray();
        int k = field.Components, d = field.Dimension;
        var m = new double[k, d];
        var s = new double[k, d];
        for (int i = 0; i < k; i++)
        {
            for (int j = 0; j < d; j++)
            {
                m[i, j] = means[(i * d) + j];
                s[i, j] = scales[(i * d) + j];
            }
        }

        using var oracle = new GaussianMixtureScoreField(m, s, weights, noiseConditioned: true);
        var x = randn(16, 3, ScalarType.Float64, generator: new Generator(2));
        Assert.True(field.LogDensity(x).allclose(oracle.LogDensity(x), rtol: 1e-10, atol: 1e-12));
        var sigma = rand(16, ScalarType.Float64, generator: new Generator(3)).add(0.1);
        var smoothed = new GaussianMixtureField(d, k, skew: false, noiseConditioned: true).to(ScalarType.Float64);
        smoothed.load_state_dict(field.state_dict());
        Assert.True(smoothed.Evaluate(x, sigma).allclose(oracle.Evaluate(x, sigma), rtol: 1e-10, atol: 1e-12));
    }

    [Fact]
    public void The_skew_part_of_the_field_has_zero_probability_flux_so_the_mixture_stays_stationary()
    {
        // v = f − ∇log p = A∇log p with Aᵀ = −A: ∇·(p v)/p = ∇·v + v·∇log p = 0 (paper Eq. 3).
        using var scope = NewDisposeScope();
        var field = Field(skew: true, d: 2, k: 3);
        var x = randn(24, 2, ScalarType.Float64, generator: new Generator(4)).requires_grad_(true);
        var score = field.Score(x);
        var v = field.Evaluate(x).sub(score);
        Assert.True(v.abs().max().item<double>() > 1e-3);
        Tensor divergence = zeros(24, ScalarType.Float64);
        for (int j = 0; j < 2; j++)
        {
            var g = autograd.grad([v[.., j].sum()], [x], retain_graph: true)[0];
            divergence = divergence.add(g[.., j]);
        }

        var residual = divergence.add(v.mul(score).sum(1));
        Assert.True(residual.abs().max().item<double>() < 1e-10, $"max |∇·(p v)|/p = {residual.abs().max().item<double>()}");
    }

    [Theory]
    [InlineData("gmm")]
    [InlineData("skew-gmm")]
    public void Flux_matching_fits_a_gaussian_smoothed_by_the_training_noise(string name)
    {
        // The flux loss at σ² targets the data convolved with N(0, σ²I): N(m, s²I) becomes N(m, (s² + σ²)I), whatever
        // the skew part does (it keeps every such Gaussian stationary).
        var data = new GaussianMixtureDataset("gaussian", new[,] { { 1.0, -0.5 } }, new[,] { { 0.6, 0.6 } });
        var config = new FluxModelConfig { Field = name, Components = 1, Sigma2 = 0.05 };
        using var model = new FluxModel(config, data, seed: 3);
        Trainer.Train(model, new TrainerOptions { Steps = 300, Batch = 256, LearningRate = 3e-2, Seed = 1, EmaDecay = 0 });
        var field = (GaussianMixtureField)model.Field;
        var mean = field.Means.data<float>().ToArray();
        var scale = field.Scales.data<float>().ToArray();
        double expected = Math.Sqrt((0.6 * 0.6) + 0.05);
        var seen = $"learned mean ({mean[0]}, {mean[1]}), scales ({scale[0]}, {scale[1]}); expected (1, -0.5), {expected:F3}";
        Assert.True(Math.Abs(mean[0] - 1.0) < 0.15 && Math.Abs(mean[1] + 0.5) < 0.15, seen);
        Assert.True(scale.All(v => Math.Abs(v - expected) < 0.08), seen);

    }

    [Fact]
    public void A_model_over_the_skewed_mixture_survives_a_checkpoint()
    {
        var config = new FluxModelConfig { Data = "ring", Field = "skew-gmm", Components = 5, Annealed = true };
        using var model = new FluxModel(config, seed: 4);
        using (no_grad())
        {
            foreach (var p in model.Field.parameters())
            {
                p.add_(0.1);
            }
        }

        var path = Path.Combine(Path.GetTempPath(), $"gmm-{Guid.NewGuid():N}.pt");
        try
        {
            Checkpoint.Save(model, path);
            using var back = Checkpoint.Load(path);
            Assert.Equal(5, ((GaussianMixtureField)back.Field).Components);
            var x = randn(8, 2);
            var sigma = full(8, 0.3f);
            Assert.True(back.Field.Evaluate(x, sigma).allclose(model.Field.Evaluate(x, sigma), rtol: 0, atol: 0));
        }
        finally
        {
            foreach (var file in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(path) + "*"))
            {
                File.Delete(file);
            }
        }
    }
}
