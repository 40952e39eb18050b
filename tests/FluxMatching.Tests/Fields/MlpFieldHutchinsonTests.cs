namespace FluxMatching.Tests.Fields;

using FluxMatching.Fields;
using FluxMatching.Losses;
using FluxMatching.Tests.Losses;

/// <summary>The MLP's closed-form end-point terms against double backward through <see cref="MlpField.Evaluate"/>
/// (float64).</summary>
public class MlpFieldHutchinsonTests
{
    [Theory]
    [InlineData(2, 0, false, true)]
    [InlineData(2, 1, false, true)]
    [InlineData(2, 2, false, true)]
    [InlineData(3, 3, false, true)]
    [InlineData(2, 2, true, true)]
    [InlineData(7, 2, true, true)]
    [InlineData(2, 2, false, false)]
    [InlineData(3, 3, true, false)]
    public void Closed_form_terms_equal_double_backward(int d, int depth, bool conditioned, bool fused)
    {
        using var scope = NewDisposeScope();
        manual_seed(11);
        var field = new MlpField(d, 24, depth, conditioned).to(ScalarType.Float64);
        var gen = new Generator(12);
        var z = randn(17, d, dtype: ScalarType.Float64, generator: gen) * 2.0;
        var probe = randn(17, d, dtype: ScalarType.Float64, generator: gen);
        var c = randn(17, d, dtype: ScalarType.Float64, generator: gen);
        var sigma = conditioned ? tensor(0.7, dtype: ScalarType.Float64) : null;
        var want = FluxEndPoint.Autograd(x => field.Evaluate(x, sigma), [17, d])(z, probe, c);
        var got = field.HutchinsonTerms(z, sigma, probe, c, fused);
        Assert.True(Numerics.RelativeError(Numerics.Values(want.F), Numerics.Values(got.F)) < 1e-13);
        Assert.True(Numerics.RelativeError(Numerics.Values(want.Quadratic), Numerics.Values(got.Quadratic)) < 1e-12);
        Assert.True(Numerics.RelativeError(Numerics.Values(want.Gradient), Numerics.Values(got.Gradient)) < 1e-12);
        Assert.False(got.Gradient.requires_grad);
    }

    public static IEnumerable<object[]> Float32Cases => Runtime.EveryIsa.With(
        [2, 1, false],   // one hidden layer: the output pass feeds the first layer's gradient directly
        [2, 2, false],
        [3, 3, true],    // noise-conditioned: σ folded into the first layer's bias
        [2, 2, true]);

    [Theory]
    [MemberData(nameof(Float32Cases))]
    public void Float32_terms_with_the_fused_edge_layers_equal_double_backward_in_float64(FluxMatching.Runtime.InstructionSet isa,
        int d, int depth, bool conditioned)
    {
        using var forced = FluxMatching.Runtime.Isa.Force(isa);
        using var scope = NewDisposeScope();
        manual_seed(21);
        var field = new MlpField(d, 40, depth, conditioned);   // 40: a partial register block on AVX-512
        manual_seed(21);
        var field64 = new MlpField(d, 40, depth, conditioned).to(ScalarType.Float64);
        var gen = new Generator(22);
        var z = randn(67, d, generator: gen) * 2.0;
        var probe = randn(67, d, generator: gen);
        var c = randn(67, d, generator: gen);
        var sigma = conditioned ? tensor(0.7f) : null;
        var want = FluxEndPoint.Autograd(x => field64.Evaluate(x, sigma?.to(ScalarType.Float64)), [67, d])(
            z.to(ScalarType.Float64), probe.to(ScalarType.Float64), c.to(ScalarType.Float64));
        var got = field.HutchinsonTerms(z, sigma, probe, c);
        Assert.True(Numerics.RelativeError(Numerics.Values(want.F), Numerics.Values(got.F.to(ScalarType.Float64))) < 1e-5);
        Assert.True(Numerics.RelativeError(Numerics.Values(want.Quadratic), Numerics.Values(got.Quadratic.to(ScalarType.Float64))) < 1e-5);
        Assert.True(Numerics.RelativeError(Numerics.Values(want.Gradient), Numerics.Values(got.Gradient.to(ScalarType.Float64))) < 1e-5);
    }

    [Fact]
    public void The_loss_of_an_mlp_field_is_the_same_through_the_field_and_through_a_callable()
    {
        using var scope = NewDisposeScope();
        manual_seed(13);
        var field = new MlpField(2, 32, 2).to(ScalarType.Float64);
        var x = randn(40, 2, dtype: ScalarType.Float64, generator: new Generator(14)) * 2.0;
        var loss = new FluxMatchingLoss();
        var viaField = loss.Compute(field, x, 0.1, generator: new Generator(15));
        var viaCallable = loss.Compute(z => field.Evaluate(z), x, 0.1, generator: new Generator(15));
        Assert.True(Numerics.RelativeError(Numerics.Values(viaCallable.PerSample), Numerics.Values(viaField.PerSample)) < 1e-11);
        Assert.True(Numerics.RelativeError(Numerics.Values(viaCallable.Residual), Numerics.Values(viaField.Residual)) < 1e-11);
        viaField.PerSample.mean().backward();
        var g1 = field.parameters().Select(p => Numerics.Values(p.grad!)).ToArray();
        field.zero_grad();
        viaCallable.PerSample.mean().backward();
        var g2 = field.parameters().Select(p => Numerics.Values(p.grad!)).ToArray();
        for (int i = 0; i < g1.Length; i++)
        {
            Assert.True(Numerics.RelativeError(g2[i], g1[i]) < 1e-10);
        }
    }

    [Fact]
    public void Float32_closed_form_terms_follow_float64()
    {
        using var scope = NewDisposeScope();
        manual_seed(16);
        var field = new MlpField(2, 64, 2);
        var field64 = new MlpField(2, 64, 2).to(ScalarType.Float64);
        using (no_grad())
        {
            foreach (var (a, b) in field64.parameters().Zip(field.parameters()))
            {
                a.copy_(b);
            }
        }

        var gen = new Generator(17);
        var z = randn(300, 2, dtype: ScalarType.Float64, generator: gen) * 3.0;
        var probe = randn(300, 2, dtype: ScalarType.Float64, generator: gen);
        var c = randn(300, 2, dtype: ScalarType.Float64, generator: gen);
        var want = field64.HutchinsonTerms(z, null, probe, c);
        var got = field.HutchinsonTerms(z.to(ScalarType.Float32), null, probe.to(ScalarType.Float32), c.to(ScalarType.Float32));
        Assert.True(Numerics.RelativeError(Numerics.Values(want.Gradient), Numerics.Values(got.Gradient)) < 1e-5);
        Assert.True(Numerics.RelativeError(Numerics.Values(want.Quadratic), Numerics.Values(got.Quadratic)) < 1e-5);
    }
}
