namespace FluxMatching.Metrics;

using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// The energy distance (Székely–Rizzo) E = 2 E‖X − Y‖ − E‖X − X'‖ − E‖Y − Y'‖ ≥ 0, estimated by the V-statistic
/// (means over all pairs, diagonals included), so identical sample sets give exactly 0. Computed in float64 on the
/// device of the first argument.
/// </summary>
public static class EnergyDistance
{
    /// <summary>Energy distance between <paramref name="x"/> [N, D] and <paramref name="y"/> [M, D].</summary>
    /// <param name="x">First sample [N, D] (N ≥ 1), finite.</param>
    /// <param name="y">Second sample [M, D] (M ≥ 1), finite; moved to x's device.</param>
    public static double Compute(Tensor x, Tensor y)
    {
        using var scope = torch.NewDisposeScope();
        var (a, b) = PointClouds.Prepare(x, y, 1, nameof(x), nameof(y));
        static Tensor Distance(Tensor sq) => sq.sqrt();
        double n = a.shape[0], m = b.shape[0];
        double dxx = PointClouds.PairwiseSum(a, a, Distance) / (n * n);
        double dyy = PointClouds.PairwiseSum(b, b, Distance) / (m * m);
        double dxy = PointClouds.PairwiseSum(a, b, Distance) / (n * m);
        return (2 * dxy) - dxx - dyy;
    }
}
