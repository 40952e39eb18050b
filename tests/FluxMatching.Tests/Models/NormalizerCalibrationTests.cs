namespace FluxMatching.Tests.Models;

using FluxMatching.Losses;
using FluxMatching.Models;
using FluxMatching.Training;

public class NormalizerCalibrationTests
{
    /// <summary>ln of the mean raw flux loss minus s(σ) at σ, on fresh batches (not the calibration's).</summary>
    private static double LogRatio(FluxModel model, double sigma, int seed)
    {
        using var scope = NewDisposeScope();
        var g = new Generator((ulong)seed);
        double sum = 0;
        for (int i = 0; i < 8; i++)
        {
            var x = model.Data.Sample(64, g, model.Device, ScalarType.Float64);
            sum += new AnnealedFluxLoss().Compute(model.Field, x, tensor(sigma, ScalarType.Float64), generator: g).Raw.mean().ToDouble();
        }

        return Math.Log(sum / 8) - model.Normalizer!.forward(tensor(new[] { sigma })).ToDouble();
    }

    private static FluxModel Model(bool calibrate)
    {
        var model = new FluxModel(new FluxModelConfig { Data = "ring", Annealed = true, Hidden = 32, CalibrateNormalizer = calibrate }, seed: 0);
        model.to(ScalarType.Float64);
        return model;
    }

    [Fact]
    public void Calibration_puts_the_normalizer_at_the_log_of_the_loss_where_the_random_start_is_far_off()
    {
        using var calibrated = Model(calibrate: true);
        using var random = Model(calibrate: false);
        var line = NormalizerCalibration.Calibrate(calibrated, 64, ScalarType.Float64);
        Assert.NotNull(line);
        Assert.True(line.Value.Slope < -1, $"the loss grows as σ shrinks (≈ σ⁻²): slope {line.Value.Slope}");

        // s is affine in ln σ while ln E[ℓ | σ] is convex in it (≈ σ⁻⁴ at small σ on this toy), so the line leaves
        // residuals at the ends; as a least-squares fit it has mean residual 0 over the levels on the calibration
        // batch (on fresh batches about 1: the log of one batch's mean of a heavy-tailed loss is biased low). The
        // random start is off by e¹⁴ at the smallest level.
        var levels = Enumerable.Range(0, NormalizerCalibration.Levels).Select(k => calibrated.Config.CreateSigmaSampler().Quantile((k + 0.5) / NormalizerCalibration.Levels)).ToArray();
        var fitted = levels.Select(s => LogRatio(calibrated, s, seed: 11)).ToArray();
        var start = levels.Select(s => LogRatio(random, s, seed: 11)).ToArray();
        Assert.InRange(fitted.Average(), -1.5, 1.5);
        Assert.True(start.Average() > 3, $"the random start's mean log-ratio is {start.Average()}");
        Assert.All(fitted, r => Assert.InRange(r, -4.0, 4.0));
        Assert.True(start.Max() > 10, $"the random start's largest log-ratio is {start.Max()}");

        Assert.True(LogRatio(random, 0.03, seed: 11) > 4, "the random start is off by more than e⁴ at small σ");
    }

    [Fact]
    public void Training_with_the_option_calibrates_before_its_first_step_and_not_when_it_resumes()
    {
        using var model = Model(calibrate: true);
        var options = new TrainerOptions { Steps = 1, Batch = 64, Seed = 0, Dtype = ScalarType.Float64 };
        var before = model.Normalizer!.forward(tensor(new[] { 0.03 })).ToDouble();
        Trainer.Train(model, options);
        var afterFirst = model.Normalizer.forward(tensor(new[] { 0.03 })).ToDouble();
        Assert.True(afterFirst - before > 3, $"s(0.03) moved from {before} to {afterFirst}: more than one Adam step can move it");

        Trainer.Train(model, options);   // resumes at step 1: no second calibration, one Adam step only
        var afterSecond = model.Normalizer.forward(tensor(new[] { 0.03 })).ToDouble();
        Assert.InRange(afterSecond - afterFirst, -0.5, 0.5);
    }

    [Fact]
    public void The_option_is_refused_for_objectives_without_a_normalizer()
    {
        var e = Assert.Throws<ArgumentException>(() => new FluxModelConfig { Data = "ring", CalibrateNormalizer = true }.Validate());
        Assert.Equal("CalibrateNormalizer", e.ParamName);
        Assert.Contains("annealed flux", e.Message);
    }
}
