namespace FluxMatching.Tests.Models;

using FluxMatching.Metrics;
using FluxMatching.Models;

public class SampleEvaluationTests
{
    private static readonly SamplingRequest Quick = new() { N = 64, Steps = 5, Seed = 3 };

    [Fact]
    public void Samples_and_fresh_data_come_back_on_the_cpu_in_float32_with_the_sampler_in_words()
    {
        using var model = new FluxModel(new FluxModelConfig { Data = "moons", Hidden = 8 }, seed: 1);
        using var e = SampleEvaluation.Run(model, Quick);
        Assert.Equal([64L, 2L], e.Samples.shape);
        Assert.Equal([64L, 2L], e.Data.shape);
        Assert.Equal(DeviceType.CPU, e.Samples.device_type);
        Assert.Equal(ScalarType.Float32, e.Samples.dtype);
        Assert.Equal(ScalarType.Float32, e.Data.dtype);
        Assert.Equal(SamplerKind.Langevin, e.Sampler);
        Assert.Equal(5, e.Steps);
        Assert.Equal("Langevin, 5 steps, ε = 0.01", e.SamplerDescription);
        Assert.NotNull(e.Metrics);
        Assert.Equal(64, e.Metrics!.SampleCount);
        Assert.Null(e.Metrics.ExactW2);   // exact W2 is off by default
    }

    [Fact]
    public void Metrics_are_those_of_the_samples_against_data_drawn_with_the_sampling_seed_plus_one()
    {
        using var model = new FluxModel(new FluxModelConfig { Hidden = 8 }, seed: 2);
        using var e = SampleEvaluation.Run(model, Quick);
        using var data = model.Data.Sample(64, new Generator((ulong)Quick.Seed + 1), CPU, ScalarType.Float32);
        Assert.True(data.eq(e.Data).all().item<bool>());
        var options = new SampleEvaluationOptions();
        var oracle = MetricReport.Compute(e.Samples, data, options.Metrics, new Generator((ulong)Quick.Seed + 2));
        Assert.Equal(oracle, e.Metrics);
    }

    [Fact]
    public void Two_models_sampled_with_one_seed_are_measured_against_the_same_data()
    {
        using var flux = new FluxModel(new FluxModelConfig { Hidden = 8 }, seed: 4);
        using var dsm = new FluxModel(new FluxModelConfig { Hidden = 8, Loss = LossKind.Dsm, Annealed = true }, seed: 5);
        using var a = SampleEvaluation.Run(flux, Quick);
        using var b = SampleEvaluation.Run(dsm, Quick);
        Assert.True(a.Data.eq(b.Data).all().item<bool>());
        Assert.False(a.Samples.eq(b.Samples).all().item<bool>());
        Assert.Equal(SamplerKind.ReverseSde, b.Sampler);
        Assert.StartsWith("reverse SDE, 5 steps, σ from 2 to 0.02", b.SamplerDescription);
    }

    [Fact]
    public void Measuring_can_be_turned_off_and_given_seeds_replace_the_derived_ones()
    {
        using var model = new FluxModel(new FluxModelConfig { Hidden = 8 }, seed: 6);
        using var off = SampleEvaluation.Run(model, Quick, new SampleEvaluationOptions { Measure = false });
        Assert.Null(off.Metrics);
        using var other = SampleEvaluation.Run(model, Quick, new SampleEvaluationOptions { DataSeed = 99 });
        using var data = model.Data.Sample(64, new Generator(99), CPU, ScalarType.Float32);
        Assert.True(data.eq(other.Data).all().item<bool>());
    }

    [Fact]
    public void The_noise_floor_compares_the_runs_data_with_a_second_fresh_draw()
    {
        using var model = new FluxModel(new FluxModelConfig { Hidden = 8 }, seed: 7);
        var floor = SampleEvaluation.NoiseFloor(model.Data, 64, Quick.Seed);
        using var first = model.Data.Sample(64, new Generator((ulong)Quick.Seed + 1), CPU, ScalarType.Float32);
        using var second = model.Data.Sample(64, new Generator((ulong)Quick.Seed + 3), CPU, ScalarType.Float32);
        var options = new SampleEvaluationOptions();
        Assert.Equal(MetricReport.Compute(second, first, options.Metrics, new Generator((ulong)Quick.Seed + 2)), floor);
        Assert.Throws<ArgumentOutOfRangeException>(() => SampleEvaluation.NoiseFloor(model.Data, 1));
    }

    [Fact]
    public void Defaults_name_the_sampler_and_steps_a_request_leaves_open()
    {
        Assert.Equal(SamplerKind.Langevin, FluxDefaults.SamplerFor(new FluxModelConfig()));
        Assert.Equal(SamplerKind.ReverseSde, FluxDefaults.SamplerFor(new FluxModelConfig { Annealed = true }));
        Assert.Equal(FluxDefaults.LangevinSteps, FluxDefaults.StepsFor(SamplerKind.Langevin));
        Assert.Equal(FluxDefaults.ReverseSdeSteps, FluxDefaults.StepsFor(SamplerKind.ReverseSde));
        using var model = new FluxModel(new FluxModelConfig { Hidden = 8 });
        var open = model.Sample(new SamplingRequest { N = 4 });
        open.Samples.Dispose();
        Assert.Equal(FluxDefaults.LangevinSteps, open.Steps);   // the model's sampler uses the same defaults
    }
}
