namespace FluxMatching.Tests.Controllable;

using FluxMatching.Controllable;

public class ControllableScanTests
{
    private static readonly Lazy<ControllableScan> Preview = new(() =>
        new ControllableScan(new ControllableFieldFamily(modeScaling: ControllableFieldFamily.ReferenceModeScaling),
            new ControllableScanOptions { ComputeFluxLoss = false }));

    // Four θ of the box (the full 27-point preview costs 27 dense 625×625 solves, ≈ 12 s on 2 cores).
    private static readonly Lazy<ControllableScanResult> PreviewBox = new(() => Preview.Value.Run(
        [[-2.5, -2.5, -2.5], [-2.5, 0, 0], [0, 0, 0], [2.5, -2.5, 2.5]]));

    [Fact]
    public void Theta_box_has_27_points_in_ij_order_with_zero_included()
    {
        var box = ControllableScan.ThetaBox();
        Assert.Equal(27, box.Count);
        Assert.Equal(new double[] { -2.5, -2.5, -2.5 }, box[0]);
        Assert.Equal(new double[] { -2.5, -2.5, 0 }, box[1]);
        Assert.Equal(new double[] { 0, 0, 0 }, box[13]);
        Assert.Equal(new double[] { 2.5, 2.5, 2.5 }, box[26]);
        Assert.Equal(9, ControllableScan.ThetaBox(1, 2).Count);                 // {−1, 1}³ lacks 0: appended
        Assert.Equal(new double[] { 0, 0, 0 }, ControllableScan.ThetaBox(1, 2)[8]);
    }

    [Fact]
    public void Rows_are_standardized_by_the_mean_violating_loss()
    {
        var result = PreviewBox.Value;
        Assert.Equal(4, result.Rows.Count);
        Assert.Equal(0.06183951593175084, result.ScoreMixingSpeed, 12);
        Assert.Equal(result.Rows.Average(r => r.ViolatingDsmLoss), result.DsmNormalizer, 12);
        Assert.Equal(1.0, result.Rows.Average(r => r.StandardizedViolatingDsmLoss), 12);
        var zero = result.Rows[2];
        Assert.Equal(0.0, zero.DsmLoss);
        Assert.Equal(0.0, zero.StandardizedDsmLoss);
        Assert.Equal(0.06183951593175084, zero.MixingSpeed, 12);
        Assert.All(result.Rows, r => Assert.True(double.IsNaN(r.FluxLoss) && double.IsNaN(r.StandardizedFluxLoss)));
        Assert.Equal(3.1008, result.Rows[1].DsmLoss, 4);                      // θ = (−2.5, 0, 0)
        Assert.Equal(12.6129, result.Rows[0].DsmLoss, 4);
    }

    [Fact]
    public void Scan_with_flux_losses_separates_preserving_from_violating_fields()
    {
        var family = new ControllableFieldFamily(modeScaling: ControllableFieldFamily.ReferenceModeScaling);
        var scan = new ControllableScan(family, new ControllableScanOptions
        {
            Flux = new MonteCarloFluxOptions { BatchSize = 32, Repeats = 1 },
        });
        using var g = new torch.Generator(3);
        var result = scan.Run([[2.5, 0, 0], [0, -2.5, 2.5]], g);
        Assert.All(result.Rows, r => Assert.True(r.FluxLoss < 1e-12, $"preserving flux {r.FluxLoss:E2}"));
        Assert.All(result.Rows, r => Assert.True(r.ViolatingFluxLoss > 0.1, $"violating flux {r.ViolatingFluxLoss:E2}"));
        Assert.Equal(1.0, result.Rows.Average(r => r.StandardizedViolatingFluxLoss), 12);
        Assert.All(result.Rows, r => Assert.True(r.StandardizedDsmLoss > 0.1));
    }

    [Fact]
    public void Curves_insert_the_score_point_and_cover_all_rows()
    {
        var result = PreviewBox.Value;
        var mixing = result.Curve(ControllableMetric.MixingSpeed, flux: false);
        Assert.Contains(result.ScoreMixingSpeed, mixing.Centers);
        Assert.Equal(0.06183951593175084, result.ScoreMixingSpeed, 12);
        Assert.Equal(mixing.Centers.OrderBy(c => c), mixing.Centers);
        var violation = result.Curve(ControllableMetric.DistributionViolation, flux: false);
        Assert.Equal(0.0, violation.Centers[0]);
        Assert.Equal(0.0, violation.Means[0]);
    }

    [Fact]
    public void Binning_matches_hand_computed_means_and_standard_errors()
    {
        var curve = CompatibilityCurve.Bin([0, 1, 2, 3, 4], [10, 20, 30, 40, 50], bins: 2);
        Assert.Equal([1.0, 3.0], curve.Centers);
        Assert.Equal([15.0, 40.0], curve.Means);                              // [0, 2) and [2, 4] (last bin closed)
        Assert.Equal(Math.Sqrt(50.0) / Math.Sqrt(2), curve.StandardErrors[0], 12);
        Assert.Equal(10.0 / Math.Sqrt(3), curve.StandardErrors[1], 12);
        var withStar = curve.WithPoint(2.0, 0.0);
        Assert.Equal([1.0, 2.0, 3.0], withStar.Centers);
        Assert.Equal(0.0, withStar.StandardErrors[1]);
    }

    [Fact]
    public void Display_fields_follow_the_reference_tie_breaks()
    {
        var scan = Preview.Value;
        double[] values = [-8, -4, 0, 4, 8];
        var mixing = ControllableScan.SelectDisplayField(ControllableMetric.MixingSpeed,
            scan.AxisScan(ControllableMetric.MixingSpeed, values));
        Assert.Equal(8.0, mixing.Theta[0]);                                   // §5.6: maxima at θ = +8 on every axis
        Assert.Equal(0.18629, mixing.MetricValue, 5);
        var triangle = scan.AxisScan(ControllableMetric.TriangleAlignment, values);
        Assert.Equal(1.0, triangle[^1].MetricValue, 12);
        Assert.Equal(8.0, ControllableScan.SelectDisplayField(ControllableMetric.TriangleAlignment, triangle).Theta[1]);
        var skew = scan.AxisScan(ControllableMetric.JacobianSkewness, values);
        Assert.Equal(skew[0].MetricValue, skew[^1].MetricValue, 10);          // even in θ: a tie between ±8
        Assert.Equal(8.0, Math.Abs(ControllableScan.SelectDisplayField(ControllableMetric.JacobianSkewness, skew).Theta[2]));
        Assert.Throws<ArgumentOutOfRangeException>(
            () => scan.AxisScan(ControllableMetric.DistributionViolation, values));
    }
}
