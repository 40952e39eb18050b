namespace FluxMatching.Tests.Meta;

using FluxMatching.Fields;
using FluxMatching.Sampling;
using static FluxMatching.Tests.Meta.MetaDevice;

/// <summary>The EDM Heun, predictor–corrector and adaptive ODE samplers and the PF-ODE likelihood with a σ-conditioned
/// MLP on the shape-only meta device: any tensor made on the CPU behind the caller's back would throw there.</summary>
public class MetaDenoisingSamplerTests
{
    [Fact]
    public void Edm_heun_runs_on_the_fields_device()
    {
        using var scope = NewDisposeScope();
        var field = Moved(new MlpField(2, 16, 2, noiseConditioned: true));
        var r = new EdmHeunSampler(new EdmHeunOptions { Steps = 4, SChurn = 10, SMin = 0, SMax = 100, RecordEvery = 2 }).Sample(field, 64);
        OnMeta(r.Samples, 64, 2);
        OnMeta(r.Trajectory!, 3, 64, 2);
        Assert.Equal(7, r.FunctionEvaluations);
    }

    [Fact]
    public void Predictor_corrector_runs_on_the_fields_device()
    {
        using var scope = NewDisposeScope();
        var field = Moved(new MlpField(2, 16, 2, noiseConditioned: true));
        var r = new PredictorCorrectorSampler(new PredictorCorrectorOptions { Steps = 3, RecordEvery = 1 }).Sample(field, 64);
        OnMeta(r.Samples, 64, 2);
        OnMeta(r.Trajectory!, 4, 64, 2);
        Assert.Equal(6, r.FunctionEvaluations);
    }

    [Fact]
    public void The_adaptive_ode_runs_on_the_fields_device()
    {
        using var scope = NewDisposeScope();
        var field = Moved(new MlpField(2, 16, 2, noiseConditioned: true));
        var r = new AdaptiveOdeSampler().Sample(field, 64);
        OnMeta(r.Samples, 64, 2);
        Assert.True(r.FunctionEvaluations > 2);
    }

    [Fact]
    public void The_likelihood_runs_on_the_datas_device()
    {
        using var scope = NewDisposeScope();
        var field = Moved(new MlpField(2, 16, 2, noiseConditioned: true));
        var r = new ProbabilityFlowLikelihood().Evaluate(field, Batch(8, 2));
        OnMeta(r.BitsPerDim, 8);
        OnMeta(r.Latent, 8, 2);
    }
}
