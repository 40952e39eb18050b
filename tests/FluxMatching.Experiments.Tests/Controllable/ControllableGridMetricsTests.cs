namespace FluxMatching.Tests.Controllable;

using FluxMatching.Controllable;

/// <summary>
/// exp1 grid metrics against the authors' experiments/exp1_controllable/test.py, seed 123 The score-field mixing speed is seed-free; the Gram matrices, DSM
/// losses and θ = +8 axis speeds depend on the seed-123 mode scaling and use the injected diagonal.
/// </summary>
public class ControllableGridMetricsTests
{
    private static readonly Lazy<Setup> Shared = new(() => new Setup());

    [Fact]
    public void Score_field_mixing_speed_matches_the_golden_value()
    {
        var s = Shared.Value;
        double speed = s.Mixer.MixingSpeed(s.Fields.Score);
        Assert.True(Math.Abs(speed - 0.06183951593175084) < 1e-12 * 0.0618, $"mixing speed {speed:R}");
    }

    [Fact]
    public void Grid_spacing_is_eleven_over_twenty_four()
    {
        Assert.Equal(11.0 / 24, Shared.Value.Grid.H, 1e-14);
        Assert.Equal(625, Shared.Value.Grid.Count);
    }

    [Fact]
    public void Gram_matrices_match_the_golden_values_injected()
    {
        var f = Shared.Value.Fields;
        double[,] want = { { 0.992256, -0.126964, 0.358757 }, { -0.126964, 0.996344, -0.055786 }, { 0.358757, -0.055786, 1.695519 } };
        for (int k = 0; k < 3; k++)
        {
            for (int l = 0; l < 3; l++)
            {
                Assert.Equal(want[k, l], f.Gram[k, l], 6e-7);
                double sign = (k, l) is (0, 1) or (1, 0) or (1, 2) or (2, 1) ? -1 : 1;
                Assert.Equal(sign * want[k, l], f.GramViolating[k, l], 6e-7);
            }
        }
    }

    [Fact]
    public void Dsm_losses_match_the_scan_golden_values_injected()
    {
        var g = Shared.Value.Fields.Gram;
        Assert.Equal(0.0, ControllableMetrics.DsmLoss(g, [0, 0, 0]));
        Assert.Equal(3.1008, ControllableMetrics.DsmLoss(g, [2.5, 0, 0]), 4);
        Assert.Equal(3.1008, ControllableMetrics.DsmLoss(g, [-2.5, 0, 0]), 4);
        Assert.Equal(12.6129, ControllableMetrics.DsmLoss(g, [-2.5, -2.5, -2.5]), 4);
    }

    [Fact]
    public void Axis_fields_at_theta_eight_have_the_golden_mixing_speeds_injected()
    {
        var s = Shared.Value;
        double[] want = [0.18629, 0.55135, 0.12183];
        for (int axis = 0; axis < 3; axis++)
        {
            var theta = new double[3];
            theta[axis] = 8;
            Assert.Equal(want[axis], s.Mixer.MixingSpeed(s.Fields.Field(theta, ModeKind.Preserving)), 5);
        }
    }

    [Fact]
    public void Triangle_alignment_is_odd_and_exactly_one_on_the_cycle_axis_and_skewness_is_even()
    {
        var s = Shared.Value;
        var b1 = s.Fields.Mode(ModeKind.Preserving, 1);
        double Align(double[] t) => ControllableMetrics.TriangleAlignment(
            s.Fields.Perturbation(t, ModeKind.Preserving), b1, s.Fields.Weights);
        double Skew(double[] t) => ControllableMetrics.JacobianSkewness(
            s.Grid, s.Fields.Perturbation(t, ModeKind.Preserving), s.Fields.Weights);

        Assert.Equal(1.0, Align([0, 2.5, 0]), 12);
        Assert.Equal(-1.0, Align([0, -2.5, 0]), 12);
        Assert.Equal(0.0, Align([0, 0, 0]), 12);
        double[] theta = [2.5, -2.5, 2.5];
        Assert.Equal(-Align(theta), Align([-2.5, 2.5, -2.5]), 12);
        Assert.True(Math.Abs(Align(theta)) is > 0.01 and < 0.99);
        Assert.Equal(Skew(theta), Skew([-2.5, 2.5, -2.5]), 12);
        Assert.True(Skew(theta) > 0);
        Assert.Equal(0.0, Skew([0, 0, 0]));
    }

    [Fact]
    public void Violation_grows_with_violating_theta_and_is_zero_at_the_score()
    {
        var s = Shared.Value;
        double V(double c) => ControllableMetrics.DistributionViolation(s.Grid,
            s.Fields.Perturbation([c, -c, c], ModeKind.Violating), s.Fields.Score, s.Fields.Weights);
        Assert.Equal(0.0, V(0));
        Assert.Equal(2 * V(1.25), V(2.5), 10);
        Assert.True(V(2.5) > 1);
    }

    private sealed class Setup
    {
        public Setup()
        {
            using var family = new ControllableFieldFamily(modeScaling: ControllableFieldFamily.ReferenceModeScaling);
            Grid = new ControllableGrid();
            Fields = ControllableGridFields.Compute(family, Grid);
            Mixer = new MixingSpeedCalculator(Grid, Fields.Weights);
        }

        public ControllableGrid Grid { get; }

        public ControllableGridFields Fields { get; }

        public MixingSpeedCalculator Mixer { get; }
    }
}
