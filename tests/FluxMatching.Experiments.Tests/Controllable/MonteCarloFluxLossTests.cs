namespace FluxMatching.Tests.Controllable;

using FluxMatching.Controllable;

public class MonteCarloFluxLossTests
{
    private static readonly MonteCarloFluxOptions Small = new() { BatchSize = 48, Repeats = 2 };

    [Fact]
    public void Preserving_fields_have_zero_flux_loss_and_violating_fields_a_large_one()
    {
        using var scope = torch.NewDisposeScope();
        using var family = new ControllableFieldFamily(modeScaling: ControllableFieldFamily.ReferenceModeScaling);
        using var g = new torch.Generator(7);
        double[] theta = [2.5, -2.5, 2.5];
        var preserving = MonteCarloFluxLoss.Compute(family, theta, ModeKind.Preserving, Small, g);
        var violating = MonteCarloFluxLoss.Compute(family, theta, ModeKind.Violating, Small, g);
        Assert.True(Math.Abs(preserving.Mean) < 1e-12, $"preserving loss {preserving.Mean:E2}");
        Assert.True(violating.Mean > 1, $"violating loss {violating.Mean:E2}");
        Assert.Equal(2, violating.BatchMeans.Count);
        Assert.All(violating.Horizons, t => Assert.InRange(t, 0.0, 4.0));
    }

    [Fact]
    public void Loss_is_quadratic_in_theta_for_fixed_draws()
    {
        using var scope = torch.NewDisposeScope();
        using var family = new ControllableFieldFamily(modeScaling: ControllableFieldFamily.ReferenceModeScaling);
        using var g1 = new torch.Generator(8);
        using var g2 = new torch.Generator(8);
        var a = MonteCarloFluxLoss.Compute(family, [1, 0.5, -1], ModeKind.Violating, Small, g1).Mean;
        var b = MonteCarloFluxLoss.Compute(family, [-2, -1, 2], ModeKind.Violating, Small, g2).Mean;
        Assert.Equal(4 * a, b, 1e-10 * Math.Abs(b));
    }

    [Fact]
    public void First_scan_row_reproduces_the_reference_violating_flux_loss_from_seed_123()
    {
        // the authors' experiments/exp1_controllable/test.py, seed 123: the violating |flux| ranges over 27.999 … 218.660; the maximum belongs to the first θ of
        // the scan, (−2.5, −2.5, −2.5). One generator seeded 123 feeds the mode scaling (1,200 samples), the preserving
        // loss of that θ (64 repeats; here only its draws are replayed) and then the violating loss.
        using var scope = torch.NewDisposeScope();
        using var g = new torch.Generator(123);
        using var family = new ControllableFieldFamily(generator: g);
        var options = new MonteCarloFluxOptions();
        for (int rep = 0; rep < options.Repeats; rep++)
        {
            ReplayDraws(family, options, g);
        }

        double loss = MonteCarloFluxLoss.Compute(family, [-2.5, -2.5, -2.5], ModeKind.Violating, options, g).Mean;
        Assert.Equal(218.660, Math.Abs(loss), 5e-4);
    }

    [Fact]
    public void Invalid_arguments_are_rejected()
    {
        using var family = new ControllableFieldFamily(modeScaling: ControllableFieldFamily.ReferenceModeScaling);
        Assert.Equal("theta", Assert.Throws<ArgumentException>(
            () => MonteCarloFluxLoss.Compute(family, [1, 2], ModeKind.Preserving, Small)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => MonteCarloFluxLoss.Compute(family, [1, 2, 3],
            ModeKind.Preserving, new MonteCarloFluxOptions { BatchSize = 1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => MonteCarloFluxLoss.Compute(family, [1, 2, 3],
            ModeKind.Preserving, new MonteCarloFluxOptions { Horizon = 0 }));
    }

    // The documented draw order of one repeat: anchors (multinomial [B], randn [B, 2]), rand () for t, K randn [B, 2].
    private static void ReplayDraws(ControllableFieldFamily family, MonteCarloFluxOptions options, torch.Generator g)
    {
        using var scope = torch.NewDisposeScope();
        family.Mixture.Sample(options.BatchSize, g, torch.CPU, ScalarType.Float64);
        torch.rand([], ScalarType.Float64, generator: g);
        for (int k = 0; k < options.Substeps; k++)
        {
            torch.randn([options.BatchSize, 2], ScalarType.Float64, generator: g);
        }
    }
}
