namespace FluxMatching.Tests.Meta;

using FluxMatching.Fields;
using FluxMatching.Sampling;
using static FluxMatching.Tests.Meta.MetaDevice;

/// <summary>The samplers on the meta device, defaulting to the field's device and dtype.</summary>
public class MetaSamplerTests
{
    [Fact]
    public void Langevin_runs_on_the_fields_device_by_default()
    {
        using var scope = NewDisposeScope();
        var field = Moved(new MlpField(2, 16, 2));
        var r = new LangevinSampler(new LangevinOptions { Steps = 3, RecordEvery = 1 }).Sample(field, 2048);
        OnMeta(r.Samples, 2048, 2);
        OnMeta(r.Trajectory!, 4, 2048, 2);
    }

    [Fact]
    public void A_float64_field_is_sampled_in_float64_by_default()
    {
        using var scope = NewDisposeScope();
        var field = Moved(new MlpField(2, 16, 2));
        field.to(ScalarType.Float64);
        var r = new LangevinSampler(new LangevinOptions { Steps = 2 }).Sample(field, 64);
        OnMeta(r.Samples, 64, 2);
        Assert.Equal(ScalarType.Float64, r.Samples.dtype);
    }

    [Fact]
    public void The_reverse_sde_runs_on_the_fields_device_by_default()
    {
        using var scope = NewDisposeScope();
        var field = Moved(new MlpField(2, 16, 2, noiseConditioned: true));
        var r = new ReverseSdeSampler(new ReverseSdeOptions { Steps = 3 }).Sample(field, 2048);
        OnMeta(r.Samples, 2048, 2);
    }

    [Fact]
    public void The_probability_flow_ode_runs_on_the_fields_device_by_default()
    {
        using var scope = NewDisposeScope();
        var field = Moved(new TransformerField(new TransformerFieldConfig { SequenceLength = 2, Features = 1, Hidden = 8, Depth = 1, Heads = 2 }));
        var r = new ProbabilityFlowOdeSampler(new ProbabilityFlowOdeOptions { Steps = 3 }).Sample(field, 64);
        OnMeta(r.Samples, 64, 2);
    }
}
