namespace FluxMatching.Tests.Losses;

using FluxMatching.Fields;
using FluxMatching.Kernels;
using FluxMatching.Losses;

/// <summary>The closed-form KDE derivatives of the end point against second-order autograd through the whole
/// u = f − ŝ (the reference's computation), in float64.</summary>
public class FluxEndPointTests
{
    private static (Tensor R, Tensor G) FullAutograd(Func<Tensor, Tensor> f, BatchKde kde, Tensor xt, Tensor probe)
    {
        var z = xt.detach().requires_grad_(true);
        var s = kde.Score(z);
        var u = f(z) - s;
        var v = autograd.grad([u], [z], [probe], retain_graph: true, create_graph: true)[0];
        var r = (v * probe).sum(1) + (u * s).sum(1);
        var g = autograd.grad([r.sum()], [z])[0];
        return (r.detach(), g.detach());
    }

    [Theory]
    [InlineData(2, false)]
    [InlineData(5, true)]
    [InlineData(21, false)]
    public void Analytic_end_point_equals_autograd_through_the_kde_score(int d, bool gaussianProbe)
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var field = new MlpField(d, 16, 2).to(ScalarType.Float64);
        var gen = new Generator(4);
        var x = randn(24, d, dtype: ScalarType.Float64, generator: gen);
        var xt = x + 0.4 * randn(24, d, dtype: ScalarType.Float64, generator: gen);
        var probe = gaussianProbe
            ? randn(24, d, dtype: ScalarType.Float64, generator: gen)
            : randint(0, 2, [24, d], generator: gen).to(ScalarType.Float64) * 2 - 1;
        using var kde = new BatchKde(x, 0.3);
        Func<Tensor, Tensor> f = z => field.Evaluate(z);
        var (wantR, wantG) = FullAutograd(f, kde, xt, probe);
        var (gotR, gotG) = FluxEndPoint.Compute(kde, xt, probe, FluxEndPoint.Autograd(f, [24, d]));
        Assert.True(Numerics.RelativeError(Numerics.Values(wantR), Numerics.Values(gotR)) < 1e-11);
        Assert.True(Numerics.RelativeError(Numerics.Values(wantG), Numerics.Values(gotG)) < 1e-11);
    }

    public static IEnumerable<object[]> Float32Cases => Runtime.EveryIsa.With([2], [5]);

    [Theory]
    [MemberData(nameof(Float32Cases))]
    public void Float32_end_point_with_the_mlp_closed_form_follows_float64_autograd(FluxMatching.Runtime.InstructionSet isa, int d)
    {
        using var forced = FluxMatching.Runtime.Isa.Force(isa);
        using var scope = NewDisposeScope();
        manual_seed(6);
        var field = new MlpField(d, 48, 2);
        manual_seed(6);
        var field64 = new MlpField(d, 48, 2).to(ScalarType.Float64);
        var gen = new Generator(7);
        var x = randn(96, d, generator: gen);
        var xt = x + 0.4 * randn(96, d, generator: gen);
        var probe = randint(0, 2, [96, d], generator: gen).to(ScalarType.Float32) * 2 - 1;
        using var kde = new BatchKde(x, 0.3);
        using var kde64 = new BatchKde(x.to(ScalarType.Float64), 0.3);
        var (wantR, wantG) = FullAutograd(z => field64.Evaluate(z), kde64, xt.to(ScalarType.Float64), probe.to(ScalarType.Float64));
        var (gotR, gotG) = FluxEndPoint.Compute(kde, xt, probe,
            (z, p, c) => ((IClosedFormEndPoint)field).EndPointTerms(z, null, p, c));
        Assert.True(Numerics.RelativeError(Numerics.Values(wantR), Numerics.Values(gotR.to(ScalarType.Float64))) < 2e-5);
        Assert.True(Numerics.RelativeError(Numerics.Values(wantG), Numerics.Values(gotG.to(ScalarType.Float64))) < 2e-5);
    }

    [Fact]
    public void A_field_that_ignores_its_input_contributes_no_jacobian_terms()
    {
        using var scope = NewDisposeScope();
        var gen = new Generator(5);
        var x = randn(10, 2, dtype: ScalarType.Float64, generator: gen);
        var xt = x + 0.3 * randn(10, 2, dtype: ScalarType.Float64, generator: gen);
        var probe = randn(10, 2, dtype: ScalarType.Float64, generator: gen);
        var constant = tensor(new[] { 0.5, -1.0 }, dtype: ScalarType.Float64).expand(10, 2);
        using var kde = new BatchKde(x, 0.2);
        Func<Tensor, Tensor> f = z => constant + 0.0 * z;
        var (wantR, wantG) = FullAutograd(f, kde, xt, probe);
        var (gotR, gotG) = FluxEndPoint.Compute(kde, xt, probe, FluxEndPoint.Autograd(_ => constant.clone(), [10, 2]));
        Assert.True(Numerics.RelativeError(Numerics.Values(wantR), Numerics.Values(gotR)) < 1e-11);
        Assert.True(Numerics.RelativeError(Numerics.Values(wantG), Numerics.Values(gotG)) < 1e-11);
    }
}
