namespace FluxMatching.Tests.Runtime;

using FluxMatching.Runtime;

public class TensorMemoryTests
{
    public static IEnumerable<object[]> Cases =>
        from dtype in new[] { ScalarType.Float32, ScalarType.Float64 }
        from contiguous in new[] { true, false }
        from bad in new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity }
        select new object[] { dtype, contiguous, bad };

    [Theory]
    [MemberData(nameof(Cases))]
    public void AllFinite_finds_one_non_finite_entry_anywhere_as_libtorch_does(ScalarType dtype, bool contiguous, double bad)
    {
        using var scope = NewDisposeScope();
        var x = randn(64, 6, dtype: dtype, generator: new Generator(1));
        var view = contiguous ? x : x.t();
        Assert.True(TensorMemory.AllFinite(view));
        foreach (var (i, j) in new[] { (0, 0), (63, 5), (17, 3) })
        {
            var y = x.clone();
            y[i, j] = tensor(bad, dtype: dtype);
            Assert.False(TensorMemory.AllFinite(contiguous ? y : y.t()));
        }
    }
}
