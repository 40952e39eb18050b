namespace FluxMatching.Tests.Controllable;

using FluxMatching.Controllable;

public class ControllableScanSummaryTests
{
    [Fact]
    public void Correlation_is_one_for_a_rising_line_minus_one_for_a_falling_one_and_refuses_unequal_lengths()
    {
        double[] x = [1, 2, 3, 4];
        Assert.Equal(1.0, ControllableScanSummary.Correlation(x, [3, 5, 7, 9]), 12);
        Assert.Equal(-1.0, ControllableScanSummary.Correlation(x, [4, 3, 2, 1]), 12);
        Assert.Throws<ArgumentException>(() => ControllableScanSummary.Correlation(x, [1, 2]));
    }

    [Fact]
    public void A_family_member_as_a_vector_field_is_the_score_plus_its_modes_in_the_callers_dtype()
    {
        using var family = new ControllableFieldFamily(modeScaling: ControllableFieldFamily.ReferenceModeScaling);
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new[] { 0.3, -1.2, 2.0, 0.5 }, [2, 2], ScalarType.Float32);
        var field = new ControllableFamilyField(family, [2.5, 0, -2.5]);
        var f = field.Evaluate(x);
        Assert.Equal(ScalarType.Float32, f.dtype);
        var expected = family.Field(x.to(ScalarType.Float64), [2.5, 0, -2.5], ModeKind.Preserving);
        Assert.True(f.to(ScalarType.Float64).allclose(expected, rtol: 1e-6, atol: 1e-6));
        Assert.False(f.allclose(family.Score(x.to(ScalarType.Float64)).to(ScalarType.Float32)));
    }
}
