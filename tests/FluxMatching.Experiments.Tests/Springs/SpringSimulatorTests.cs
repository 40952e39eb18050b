namespace FluxMatching.Tests.Springs;

using FluxMatching.Springs;

public class SpringSimulatorTests
{
    [Fact]
    public void Energy_is_conserved_without_damping_up_to_the_fourth_order_RK4_error()
    {
        // q ~ N(0, 3²) reaches |q| ≈ 10 where the cubic term dominates (local ω ≈ √(3κ)|q| ≈ 5, ω·dt ≈ 0.5), so at
        // dt = 0.1 RK4 drifts by a few 1e-4 of the energy; halving dt over the same time span must cut the drift by
        // ≈ 2⁴ = 16 (asserted > 10): the drift is the integrator's error, not a modelling error.
        using var scope = torch.NewDisposeScope();
        using var g = new torch.Generator(11);
        var coarse = new SpringSimulator(new SpringConfig { Damping = 0 });
        var fine = new SpringSimulator(new SpringConfig { Damping = 0, Dt = 0.05, Horizon = 99 });
        var initial = coarse.InitialStates(64, g);
        double coarseDrift = MaxRelativeDrift(coarse, coarse.Simulate(initial));
        double fineDrift = MaxRelativeDrift(fine, fine.Simulate(initial));
        Assert.True(coarseDrift < 1e-3, $"relative energy drift {coarseDrift:E2} at dt = 0.1");
        Assert.True(coarseDrift / fineDrift > 10, $"drift ratio {coarseDrift / fineDrift:F1} for dt 0.1 → 0.05");

        var traj32 = coarse.Simulate(initial.to(ScalarType.Float32));       // the reference's float32 path
        Assert.Equal(ScalarType.Float32, traj32.dtype);
        double drift32 = MaxRelativeDrift(coarse, traj32.to(ScalarType.Float64));
        Assert.True(drift32 < 1e-3, $"float32 relative energy drift {drift32:E2}");
    }

    [Fact]
    public void Energy_decays_at_the_damping_rate_with_damping()
    {
        using var scope = torch.NewDisposeScope();
        using var g = new torch.Generator(12);
        const double c = 0.5, dt = 0.02;
        var sim = new SpringSimulator(new SpringConfig { Damping = c, Dt = dt, Horizon = 200 });
        var traj = sim.Simulate(32, g, ScalarType.Float64);
        var energy = sim.Energy(traj);
        var steps = energy[.., 1..].sub(energy[.., ..^1]);
        Assert.True(steps.max().ToDouble() <= 1e-9, "energy must not increase under damping");
        // dE/dt = −c(v1² + v2²): compare each step's change with the trapezoid rule of the dissipation (O(dt²)).
        var v2 = traj[.., .., 1].square().add(traj[.., .., 3].square());
        var predicted = v2[.., 1..].add(v2[.., ..^1]).mul(-0.5 * c * dt);
        double rel = steps.sub(predicted).abs().sum().ToDouble() / predicted.abs().sum().ToDouble();
        Assert.True(rel < 1e-3, $"dissipation mismatch {rel:E2}");
    }

    private static double MaxRelativeDrift(SpringSimulator sim, Tensor trajectories)
    {
        var energy = sim.Energy(trajectories);
        return energy.sub(energy[.., ..1]).abs().div(energy[.., ..1]).max().ToDouble();
    }

    [Fact]
    public void Momentum_is_conserved_without_walls_damping_or_cubic_terms()
    {
        using var scope = torch.NewDisposeScope();
        using var g = new torch.Generator(13);
        var sim = new SpringSimulator(new SpringConfig { KWall = 0, Damping = 0, Cubic = 0 });
        var traj = sim.Simulate(16, g, ScalarType.Float64);
        var momentum = traj[.., .., 1].add(traj[.., .., 3]);
        Assert.True(momentum.sub(momentum[.., ..1]).abs().max().ToDouble() < 1e-12);

        var walls = new SpringSimulator(new SpringConfig { Damping = 0, Cubic = 0 }).Simulate(16, g, ScalarType.Float64);
        var p = walls[.., .., 1].add(walls[.., .., 3]);
        Assert.True(p.sub(p[.., ..1]).abs().max().ToDouble() > 0.1, "walls must exchange momentum");
    }

    [Fact]
    public void Rk4_step_matches_a_hand_computed_linear_oscillator_step()
    {
        using var scope = torch.NewDisposeScope();
        // One mass decoupled: k_c = c = κ = 0, k_w = 1 → q̈ = −q; RK4 on the rotation gives the Taylor series to dt⁴.
        var sim = new SpringSimulator(new SpringConfig { KCouple = 0, Damping = 0, Cubic = 0, Dt = 0.1 });
        var x = torch.tensor(new double[] { 1, 0, 0, 1 }, [1, 4]);
        var y = sim.Step(x).data<double>().ToArray();
        double h = 0.1, c = 1 - (h * h / 2) + (h * h * h * h / 24), s = h - (h * h * h / 6);
        Assert.Equal(c, y[0], 15);
        Assert.Equal(-s, y[1], 15);
        Assert.Equal(s, y[2], 15);
        Assert.Equal(c, y[3], 15);
    }

    [Fact]
    public void Simulation_has_the_reference_shape_initial_scales_and_is_seed_reproducible()
    {
        using var scope = torch.NewDisposeScope();
        var sim = new SpringSimulator();
        using var g1 = new torch.Generator(0);
        using var g2 = new torch.Generator(0);
        var a = sim.Simulate(4000, g1);
        var b = sim.Simulate(4000, g2);
        Assert.Equal(new long[] { 4000, 50, 4 }, a.shape);
        Assert.True(a.eq(b).all().ToBoolean());
        var init = a[.., 0, ..].to(ScalarType.Float64);
        var std = init.std(0).data<double>().ToArray();
        Assert.Equal(3.0, std[0], 1);     // q1 ~ N(0, 3²): stderr of the std ≈ 3/√8000 ≈ 0.034
        Assert.Equal(1.5, std[1], 1);
        Assert.Equal(3.0, std[2], 1);
        Assert.Equal(1.5, std[3], 1);
        Assert.True(a.isfinite().all().ToBoolean());
    }

    [Fact]
    public void Invalid_configuration_and_states_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SpringSimulator(new SpringConfig { Dt = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SpringSimulator(new SpringConfig { Horizon = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SpringSimulator(new SpringConfig { Damping = -1 }));
        var sim = new SpringSimulator();
        using var bad = torch.zeros(3, 5);
        Assert.Equal("state", Assert.Throws<ArgumentException>(() => sim.Rhs(bad)).ParamName);
        Assert.Equal("initial", Assert.Throws<ArgumentException>(() => sim.Simulate(bad)).ParamName);
    }
}
