namespace FluxMatching.Tests.Models;

using FluxMatching.Models;

/// <summary>The shared sampling routine of <c>flux sample</c> and <c>#!flux sample</c>.</summary>
public class ModelSamplingTests
{
    [Theory]
    [InlineData(SamplerKind.Heun, 4, 7, "EDM Heun, 4 steps (NFE 7), σ from 2 to 0.02")]
    [InlineData(SamplerKind.PredictorCorrector, 4, 8, "predictor–corrector, 4 steps (NFE 8), σ from 2 to 0.02")]
    public void The_sigma_grid_samplers_run_on_an_annealed_model_with_its_sigma_range(SamplerKind kind, int steps, int nfe, string description)
    {
        using var scope = NewDisposeScope();
        using var model = new FluxModel(new FluxModelConfig { Annealed = true, Hidden = 8 }, seed: 1);
        var request = new SamplingRequest { N = 32, Sampler = kind, Steps = steps, Seed = 3 };
        var r = ModelSampling.Sample(model, request);
        Assert.Equal([32L, 2], r.Samples.shape);
        Assert.Equal(nfe, r.FunctionEvaluations);
        Assert.Equal(description, ModelSampling.Describe(model.Config, request, kind, r));
        Assert.True(r.Samples.eq(ModelSampling.Sample(model, request).Samples).all().item<bool>());
        Assert.True(r.Samples.eq(model.Sample(request).Samples).all().item<bool>());   // the model's own entry point
    }

    [Fact]
    public void The_adaptive_ode_runs_and_reports_its_evaluations()
    {
        using var scope = NewDisposeScope();
        using var model = new FluxModel(new FluxModelConfig { Annealed = true, Hidden = 8 }, seed: 1);
        var r = ModelSampling.Sample(model, new SamplingRequest { N = 16, Sampler = SamplerKind.ProbabilityFlowOde, RecordTrajectory = true });
        Assert.Equal([16L, 2], r.Samples.shape);
        Assert.True(r.FunctionEvaluations >= (2 * r.Steps) + 1);
        Assert.Equal(r.Steps + 1, r.Trajectory!.shape[0]);
    }

    [Fact]
    public void Langevin_and_the_reverse_sde_are_the_models_own_samplers()
    {
        using var scope = NewDisposeScope();
        using var fixedSigma = new FluxModel(new FluxModelConfig { Hidden = 8 }, seed: 1);
        var request = new SamplingRequest { N = 16, Steps = 5, Seed = 2 };
        Assert.True(ModelSampling.Sample(fixedSigma, request).Samples.eq(fixedSigma.Sample(request).Samples).all().item<bool>());
        using var annealed = new FluxModel(new FluxModelConfig { Annealed = true, Hidden = 8 }, seed: 1);
        Assert.True(ModelSampling.Sample(annealed, request).Samples.eq(annealed.Sample(request).Samples).all().item<bool>());
    }

    [Theory]
    [InlineData(false, SamplerKind.Heun, null, null, "--sampler heun needs a noise-conditioned (annealed) model; use langevin.")]
    [InlineData(true, SamplerKind.ProbabilityFlowOde, 10, null, "--steps does not apply to --sampler ode")]
    [InlineData(true, SamplerKind.PredictorCorrector, null, 0.1, "--step-size applies to the Langevin sampler only, not --sampler pc.")]
    [InlineData(true, SamplerKind.Heun, 1, null, "--steps must be at least 2 for --sampler heun.")]
    public void Requests_that_do_not_fit_fail_with_one_line(bool annealed, SamplerKind kind, int? steps, double? stepSize, string expected)
    {
        using var model = new FluxModel(new FluxModelConfig { Annealed = annealed, Hidden = 8 }, seed: 1);
        var e = Assert.ThrowsAny<ArgumentException>(() => ModelSampling.Sample(model, new SamplingRequest { N = 4, Sampler = kind, Steps = steps, StepSize = stepSize }));
        Assert.Contains(expected, e.Message);
    }
}
