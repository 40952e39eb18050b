namespace FluxMatching.Tests.Springs;

using FluxMatching.Springs;

public class TrajectoryDynamicsTests
{
    [Fact]
    public void Simulated_trajectories_have_no_dynamics_residual_and_reversed_ones_do()
    {
        using var scope = torch.NewDisposeScope();
        var simulator = new SpringSimulator(new SpringConfig { Horizon = 12 });
        var x = simulator.Simulate(simulator.InitialStates(16, new torch.Generator(3)));   // float64 [16, 12, 4]
        double step = TrajectoryDynamics.StepLength(x);
        Assert.True(step > 0.1, $"mean step length {step}");
        Assert.True(TrajectoryDynamics.Residual(x, simulator) < 1e-12 * step, "a simulated trajectory is its own RK4 step");
        var reversed = x.flip(1);   // the same states in reverse order: damping and RK4 do not run backwards
        Assert.Equal(step, TrajectoryDynamics.StepLength(reversed), 10);
        Assert.True(TrajectoryDynamics.Residual(reversed, simulator) > 0.01 * step);
        Assert.Throws<ArgumentException>(() => TrajectoryDynamics.StepLength(x.narrow(1, 0, 1)));
    }

    [Fact]
    public void Standardized_data_maps_back_to_the_raw_trajectories()
    {
        using var data = SpringsDataset.Simulate(new SpringConfig { Trajectories = 6, Horizon = 5 }, new torch.Generator(4));
        using var scope = torch.NewDisposeScope();
        var physical = TrajectoryDynamics.ToPhysical(data, data.Normalized.reshape(6, -1));
        Assert.Equal([6L, 5, 4], physical.shape);
        Assert.Equal(ScalarType.Float64, physical.dtype);
        Assert.True(physical.allclose(data.Raw.to(ScalarType.Float64), rtol: 1e-5, atol: 1e-4));
    }
}
