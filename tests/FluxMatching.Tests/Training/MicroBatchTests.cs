namespace FluxMatching.Tests.Training;

using FluxMatching.Losses;
using FluxMatching.Models;
using FluxMatching.Tests.Losses;
using FluxMatching.Training;

[Collection(GlobalRngCollection.Name)]
public class MicroBatchTests
{
    [Theory]
    [InlineData(LossKind.Flux)]
    [InlineData(LossKind.DsmX0)]
    [InlineData(LossKind.Edm)]
    public void Two_micro_batches_give_the_mean_gradient_of_two_half_batch_objectives_with_the_same_draws(LossKind loss)
    {
        var config = new FluxModelConfig { Hidden = 16, Annealed = true, Loss = loss, SigmaDistribution = SigmaDistribution.LogNormal };
        var options = new TrainerOptions { Batch = 12, MicroBatches = 2, Dtype = ScalarType.Float64, FusedAdam = false, EmaDecay = 0, Seed = 3 };

        // reference: the same model, two separate half-batch objectives drawn in order from one generator
        using var twin = new FluxModel(config, seed: 7);
        var objective = twin.CreateObjective(options with { Batch = 6, MicroBatches = 1 });
        var parameters = twin.TrainableParameters().Cast<Tensor>().ToList();
        var halves = new List<double[]>[2];
        double meanLoss = 0;
        for (int i = 0; i < 2; i++)
        {
            var (total, _) = objective.Compute();
            meanLoss += total.ToDouble() / 2;
            halves[i] = [.. torch.autograd.grad([total], parameters).Select(Numerics.Values)];
        }

        using var model = new FluxModel(config, seed: 7);
        using var session = new TrainingSession(model, options);
        var outcome = session.Step();   // torch.optim.Adam leaves the step's gradients in place
        Assert.True(outcome.Applied);
        Assert.True(Math.Abs(outcome.Loss - meanLoss) <= 1e-10 * Math.Max(1, Math.Abs(meanLoss)));
        var got = model.TrainableParameters().Select(p => Numerics.Values(p.grad!)).ToList();
        Assert.Equal(halves[0].Count, got.Count);
        for (int k = 0; k < got.Count; k++)
        {
            var want = halves[0][k].Zip(halves[1][k], (a, b) => (a + b) / 2).ToArray();
            double scale = Math.Max(1e-300, want.Max(Math.Abs));
            Assert.True(got[k].Zip(want, (a, b) => Math.Abs(a - b)).Max() <= 1e-10 * Math.Max(1, scale), $"parameter {k}");
        }
    }

    [Fact]
    public void Micro_batches_must_divide_the_batch_into_at_least_two_samples_each()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new TrainerOptions { Batch = 10, MicroBatches = 3 }.Validate());
        Assert.Contains("micro-batches", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainerOptions { Batch = 6, MicroBatches = 6 }.Validate());
    }

    [Fact]
    public void The_exp3_preset_is_the_authors_image_training()
    {
        var p = TrainerOptions.Exp3;
        Assert.Equal((1e-4, 2500, 1.0, 0.9993, true), (p.LearningRate, p.WarmupSteps, p.GradientClipNorm, p.EmaDecay, p.EmaWarmup));
    }

    [Fact]
    public void One_sigma_per_batch_is_one_draw_expanded_and_per_sample_sigma_is_b_draws()
    {
        var sampler = SigmaSampler.EdmLogNormal();
        var perBatch = sampler.SampleBatch(5, perSample: false, new Generator(11), dtype: ScalarType.Float64);
        var perSample = sampler.SampleBatch(5, perSample: true, new Generator(11), dtype: ScalarType.Float64);
        Assert.Equal([5L], perBatch.shape);
        Assert.Equal([5L], perSample.shape);
        var n = randn([5], ScalarType.Float64, generator: new Generator(11));
        var want = n.mul(1.2).sub(1.2).exp();
        Assert.All(Numerics.Values(perBatch), v => Assert.Equal(Numerics.Values(want)[0], v, 15));
        Assert.Equal(Numerics.Values(want), Numerics.Values(perSample));
        Assert.True(Numerics.Values(perSample).Distinct().Count() == 5);
    }
}
