namespace FluxMatching.Tests.Meta;

using FluxMatching.Fields;
using static FluxMatching.Tests.Meta.MetaDevice;

/// <summary>The fields on the meta device: forward, double backward, and the device they report.</summary>
public class MetaFieldTests
{
    public static TheoryData<string> Fields => ["mlp", "sigma-mlp", "transformer", "gmm", "sigma-skew-gmm"];

    private static TrainableField Build(string name) => name switch
    {
        "mlp" => new MlpField(2, 16, 2),
        "sigma-mlp" => new MlpField(2, 16, 2, noiseConditioned: true),
        "gmm" => new GaussianMixtureField(2, 4),
        "sigma-skew-gmm" => new GaussianMixtureField(2, 4, skew: true, noiseConditioned: true),
        _ => new TransformerField(new TransformerFieldConfig { SequenceLength = 2, Features = 1, Hidden = 8, Depth = 1, Heads = 2 }),
    };

    [Theory]
    [MemberData(nameof(Fields))]
    public void A_field_on_meta_reports_it_and_evaluates_and_differentiates_twice_there(string name)
    {
        using var scope = NewDisposeScope();
        var field = Moved(Build(name));
        Assert.Equal(DeviceType.META, field.Device.type);
        Assert.Equal(ScalarType.Float32, field.DType);
        var z = Batch(8).requires_grad_(true);
        var sigma = field.IsNoiseConditioned ? full([], 0.5, ScalarType.Float32, Meta) : null;
        var f = field.Evaluate(z, sigma);
        OnMeta(f, 8, 2);
        var probe = Batch(8);
        var v = autograd.grad([f], [z], [probe], retain_graph: true, create_graph: true)[0];
        var g = autograd.grad([v.mul(probe).sum()], [z])[0];
        OnMeta(g, 8, 2);
    }

    [Fact]
    public void The_mlp_capabilities_fall_back_to_libtorch_on_meta()
    {
        using var scope = NewDisposeScope();
        var field = Moved(new MlpField(2, 64, 2));
        var x = Batch(4096);
        Assert.Null(FieldCapabilities.SamplerDrift(field, x));
        Assert.False(FieldCapabilities.RunsOwnCpuKernels(field));
        OnMeta(FieldCapabilities.FirstOrder(field, null)(x), 4096, 2);
        var (f, quadratic, gradient) = FieldCapabilities.ClosedFormEndPoint(field)!.EndPointTerms(x, null, Batch(4096), Batch(4096));
        OnMeta(f, 4096, 2);
        OnMeta(quadratic, 4096);
        OnMeta(gradient, 4096, 2);
    }
}
