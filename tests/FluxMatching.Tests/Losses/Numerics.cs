namespace FluxMatching.Tests.Losses;

/// <summary>Comparison helpers for tensors against reference numbers.</summary>
internal static class Numerics
{
    /// <summary>‖got − want‖₂ / ‖want‖₂ (absolute when want is zero).</summary>
    public static double RelativeError(IReadOnlyList<double> want, IReadOnlyList<double> got)
    {
        Assert.Equal(want.Count, got.Count);
        double num = 0, den = 0;
        for (int i = 0; i < want.Count; i++)
        {
            num += (got[i] - want[i]) * (got[i] - want[i]);
            den += want[i] * want[i];
        }

        return den > 0 ? Math.Sqrt(num / den) : Math.Sqrt(num);
    }

    public static double[] Values(Tensor t) =>
        t.detach().to(ScalarType.Float64).cpu().contiguous().reshape(-1).data<double>().ToArray();

    public static void AssertRelative(IReadOnlyList<double> want, Tensor got, double tolerance)
    {
        double err = RelativeError(want, Values(got));
        Assert.True(err <= tolerance, $"relative error {err:E3} > {tolerance:E1}; got [{string.Join(", ", Values(got))}]");
    }
}
