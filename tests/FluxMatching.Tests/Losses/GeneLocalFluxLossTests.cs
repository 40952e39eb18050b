namespace FluxMatching.Tests.Losses;

using FluxMatching.Fields;
using FluxMatching.Losses;
using FluxMatching.Tests.Fields;

[Collection(GlobalRngCollection.Name)]
public class GeneLocalFluxLossTests
{
    private static Tensor ExampleCells()
    {
        // x = 2·rand(6, 3, 2) from Generator().manual_seed(5), float64 (the authors' exp2 worked example).
        var g = new Generator(5);
        return rand([6, 3, 2], ScalarType.Float64, generator: g).mul(2.0);
    }

    [Fact]
    public void The_example_cells_regenerate_from_seed_five()
    {
        using var scope = NewDisposeScope();
        var x = ExampleCells();
        Numerics.AssertRelative([1.2840300132561882, 0.5195158303526306, 0.7216552388543085, 0.6302652162981011,
            0.5322342775545446, 1.7028573958746018], x[0], 1e-15);
    }

    [Theory]
    [InlineData(1e-3, 0.3327268872562075, new[] { -0.00035573538372440656, 0.00012266149754378336, -0.004029593380515265 })]
    [InlineData(0.05, 0.24861260710102753, new[] { -0.007439625374437783, 0.01214947924528996, 0.051457564926482305 })]
    public void After_manual_seed_zero_the_loss_and_its_beta_gradient_match_the_authors(double sigma2, double loss,
        double[] betaGradient)
    {
        using var scope = NewDisposeScope();
        using var field = KineticFieldTests.ExampleField();
        var x = ExampleCells();
        manual_seed(0);
        var result = new GeneLocalFluxLoss().Compute(field, x, sigma2);
        result.Loss.backward();
        Assert.Equal(loss, result.Loss.ToDouble(), loss * 1e-9);
        Numerics.AssertRelative(betaGradient, field.BetaUnconstrained.grad!, 1e-9);
    }

    [Fact]
    public void Only_the_anchor_branch_carries_a_gradient_and_the_per_cell_terms_average_to_the_loss()
    {
        using var scope = NewDisposeScope();
        using var field = KineticFieldTests.ExampleField();
        var x = ExampleCells();
        var result = new GeneLocalFluxLoss().Compute(field, x, 1e-3, generator: new Generator(3));
        Assert.Equal(result.PerCell.mean().ToDouble(), result.Loss.ToDouble(), 1e-15);
        Assert.True(result.Loss.requires_grad);
        Assert.False(result.CarriedGradient.requires_grad);
        Assert.Equal(new long[] { 6, 3, 2 }, result.CarriedGradient.shape);
        Assert.InRange(result.Tau, 0.0, 4.0);
    }

    [Fact]
    public void The_same_generator_seed_gives_the_same_loss_in_float32()
    {
        using var scope = NewDisposeScope();
        using var field = new KineticField(3);
        var x = ExampleCells().to(ScalarType.Float32);
        var a = new GeneLocalFluxLoss().Compute(field, x, 1e-3, generator: new Generator(11)).Loss.ToDouble();
        var b = new GeneLocalFluxLoss().Compute(field, x, 1e-3, generator: new Generator(11)).Loss.ToDouble();
        Assert.Equal(a, b);
        Assert.True(double.IsFinite(a));
    }

    [Fact]
    public void Bad_shapes_and_mismatched_fields_are_refused_naming_the_parameter()
    {
        using var scope = NewDisposeScope();
        using var field = new KineticField(3);
        var loss = new GeneLocalFluxLoss();
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => loss.Compute(field, zeros(6, 6))).ParamName);
        Assert.Equal("field", Assert.Throws<ArgumentException>(() => loss.Compute(field, zeros(6, 4, 2))).ParamName);
        Assert.Equal("sigma2", Assert.Throws<ArgumentOutOfRangeException>(() => loss.Compute(field, zeros(6, 3, 2), 0)).ParamName);
    }
}
