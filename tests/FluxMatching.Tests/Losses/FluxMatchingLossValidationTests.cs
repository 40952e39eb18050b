namespace FluxMatching.Tests.Losses;

using FluxMatching.Losses;

public class FluxMatchingLossValidationTests
{
    private static readonly FluxMatchingLoss Loss = new();

    private static Tensor F(Tensor z) => z * -1.0;

    [Fact]
    public void A_batch_of_one_is_rejected()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => Loss.Compute(F, zeros(1, 2, dtype: ScalarType.Float64), 0.1));
        Assert.Equal("x", e.ParamName);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.5)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Invalid_sigma2_is_rejected(double sigma2)
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Loss.Compute(F, LossTestData.Batch(4), sigma2));
        Assert.Equal("sigma2", e.ParamName);
    }

    [Fact]
    public void Non_finite_or_integer_data_is_rejected()
    {
        using var scope = NewDisposeScope();
        var x = LossTestData.Batch(4);
        x[1, 0] = tensor(double.NaN);
        Assert.Throws<ArgumentException>(() => Loss.Compute(F, x, 0.1));
        Assert.Throws<ArgumentException>(() => Loss.Compute(F, zeros(4, 2, dtype: ScalarType.Int64), 0.1));
    }

    [Fact]
    public void Injected_draws_of_the_wrong_shape_or_count_are_rejected()
    {
        using var scope = NewDisposeScope();
        var x = LossTestData.Batch(4);
        Assert.Throws<ArgumentException>(() =>
            Loss.Compute(F, x, 0.1, draws: new FluxLossDraws(AnchorNoise: zeros(4, 3, dtype: ScalarType.Float64))));
        Assert.Throws<ArgumentException>(() =>
            Loss.Compute(F, x, 0.1, draws: new FluxLossDraws(HorizonUniform: zeros(2))));
        Assert.Throws<ArgumentException>(() =>
            Loss.Compute(F, x, 0.1, draws: new FluxLossDraws(SubstepNoises: [zeros(4, 2)])));
        Assert.Throws<ArgumentException>(() =>
            Loss.Compute(F, x, 0.1, draws: new FluxLossDraws(Probe: zeros(8, dtype: ScalarType.Int64))));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            Loss.Compute(F, x, 0.1, draws: new FluxLossDraws(HorizonUniform: tensor(1.5))));
    }

    [Fact]
    public void The_exact_divergence_is_refused_above_sixteen_dimensions()
    {
        using var scope = NewDisposeScope();
        var exact = new FluxMatchingLoss(new FluxLossOptions { Divergence = DivergenceEstimator.Exact });
        var e = Assert.Throws<ArgumentException>(() =>
            exact.Compute(F, randn(4, 17, dtype: ScalarType.Float64), 0.1));
        Assert.Contains("D = 17", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_field_that_changes_the_shape_is_rejected()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() =>
            Loss.Compute(z => z.sum(1), LossTestData.Batch(4), 0.1));
        Assert.Equal("field", e.ParamName);
    }

    [Fact]
    public void Out_of_range_options_and_mismatched_proposals_are_rejected()
    {
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentOutOfRangeException>(() => new FluxMatchingLoss(new FluxLossOptions { Horizon = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FluxMatchingLoss(new FluxLossOptions { Substeps = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            new FluxMatchingLoss(new FluxLossOptions { MinOneJumpVariance = -1 }));
        var proposal = new ExponentialTimeProposal(hidden: 2, horizon: 2.0).to(ScalarType.Float64);
        var e = Assert.Throws<ArgumentException>(() => Loss.Compute(F, LossTestData.Batch(4), 0.1, proposal));
        Assert.Equal("proposal", e.ParamName);
    }
}
