namespace FluxMatching.Tests.Fields;

using FluxMatching.Fields;
using FluxMatching.Tests.Losses;

public class MlpFieldTests
{
    [Fact]
    public void The_layer_stack_follows_dimension_hidden_depth()
    {
        using var scope = NewDisposeScope();
        var plain = new MlpField(2, 128, 2);
        Assert.Equal(new[] { (2L, 128L), (128L, 128L), (128L, 2L) },
            plain.Layers.Select(l => (l.weight!.shape[1], l.weight!.shape[0])).ToArray());
        var conditioned = new MlpField(2, 256, 2, noiseConditioned: true);
        Assert.Equal(3, conditioned.Layers[0].weight!.shape[1]);
        Assert.Equal((3 * 256) + 256 + (256 * 256) + 256 + (256 * 2) + 2, conditioned.parameters().Sum(p => p.numel()));
        Assert.Contains("layers.0.weight", plain.named_parameters().Select(p => p.name));
        Assert.Equal(2, plain.Dimension);
        Assert.True(conditioned.IsNoiseConditioned);
    }

    [Fact]
    public void Evaluation_equals_the_explicit_linear_silu_composition_with_sigma_appended()
    {
        using var scope = NewDisposeScope();
        var field = new MlpField(2, 5, 1, noiseConditioned: true).to(ScalarType.Float64);
        var x = randn(4, 2, dtype: ScalarType.Float64, generator: new Generator(1));
        var sigma = tensor(0.7);
        var input = cat([x, full(4, 1, 0.7, dtype: ScalarType.Float64)], 1);
        var l0 = field.Layers[0];
        var l1 = field.Layers[1];
        var expected = nn.functional.silu(input.mm(l0.weight!.t()) + l0.bias!).mm(l1.weight!.t()) + l1.bias!;
        Numerics.AssertRelative(Numerics.Values(expected), field.Evaluate(x, sigma), 1e-15);
        Numerics.AssertRelative(Numerics.Values(expected),
            field.Evaluate(x, full(4, 0.7, dtype: ScalarType.Float64)), 1e-15);
    }

    [Fact]
    public void Higher_rank_samples_are_flattened_and_reshaped_back()
    {
        using var scope = NewDisposeScope();
        var field = new MlpField(12, 8, 2).to(ScalarType.Float64);
        var x = randn(3, 1, 3, 4, dtype: ScalarType.Float64, generator: new Generator(2));
        var y = field.Evaluate(x);
        Assert.Equal(x.shape, y.shape);
        Assert.Equal(Numerics.Values(field.Evaluate(x.reshape(3, 12))), Numerics.Values(y));
    }

    [Fact]
    public void Weights_load_from_row_major_arrays()
    {
        using var scope = NewDisposeScope();
        var field = new MlpField([2, 3, 2], noiseConditioned: false).to(ScalarType.Float64);
        field.LoadLayer(0, [1, 0, 0, 1, 1, 1], [0, 0, -10]);
        field.LoadLayer(1, [1, 0, 0, 0, 1, 0], [0.5, -0.5]);
        Assert.Equal(new[] { 1.0, 0, 0, 1, 1, 1 }, Numerics.Values(field.Layers[0].weight!));
        var y = field.Evaluate(tensor(new[] { 2.0, -1.0 }, [1, 2]));
        double Silu(double v) => v / (1 + Math.Exp(-v));
        Numerics.AssertRelative([Silu(2.0) + 0.5, Silu(-1.0) - 0.5], y, 1e-15);
        Assert.Throws<ArgumentException>(() => field.LoadLayer(1, [1, 2], [0, 0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => field.LoadLayer(2, [], []));
    }

    [Fact]
    public void Double_backward_through_the_mlp_matches_finite_differences_of_a_gradient_penalty()
    {
        using var scope = NewDisposeScope();
        var field = new MlpField(2, 6, 2).to(ScalarType.Float64);
        var x = randn(5, 2, dtype: ScalarType.Float64, generator: new Generator(3));
        var probe = randn(5, 2, dtype: ScalarType.Float64, generator: new Generator(4));

        double Penalty()
        {
            var z = x.clone().requires_grad_(true);
            var vjp = autograd.grad([field.Evaluate(z)], [z], [probe], retain_graph: true, create_graph: true)[0];
            return vjp.square().sum().ToDouble();
        }

        var zz = x.clone().requires_grad_(true);
        var g = autograd.grad([field.Evaluate(zz)], [zz], [probe], retain_graph: true, create_graph: true)[0];
        g.square().sum().backward();
        var weight = field.Layers[1].weight!;
        double analytic = weight.grad![2, 3].ToDouble();
        Assert.All(field.parameters(), p => Assert.True(p.grad is null || p.grad.isfinite().all().item<bool>()));

        const double h = 1e-6;
        double original = weight[2, 3].ToDouble();
        using (no_grad())
        {
            weight[2, 3] = tensor(original + h);
        }

        double plus = Penalty();
        using (no_grad())
        {
            weight[2, 3] = tensor(original - h);
        }

        double minus = Penalty();
        using (no_grad())
        {
            weight[2, 3] = tensor(original);
        }

        Assert.Equal((plus - minus) / (2 * h), analytic, 1e-7);
    }

    [Fact]
    public void Bad_widths_missing_sigma_and_wrong_shapes_are_rejected()
    {
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentException>(() => new MlpField([3, 4, 2], noiseConditioned: false));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MlpField(0));
        var conditioned = new MlpField(2, 4, 1, noiseConditioned: true);
        Assert.Throws<ArgumentNullException>(() => conditioned.Evaluate(zeros(3, 2)));
        Assert.Throws<ArgumentException>(() => conditioned.Evaluate(zeros(3, 2), zeros(2)));
        Assert.Throws<ArgumentException>(() => new MlpField(2).Evaluate(zeros(3, 3)));
    }
}
