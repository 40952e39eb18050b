namespace FluxMatching.Springs;

using FluxMatching.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// exp5's data simulator (the authors' experiments/exp5_embed_structure): classical RK4 with step dt on the coupled springs of
/// <see cref="SpringConfig"/>, batched over trajectories, in the dtype of the initial states. The reference works in
/// float32 (every RK4 step in numpy float32 arithmetic); use float64 for accuracy studies.
/// <para>Seeding: the reference draws its initial conditions from <c>numpy.random.default_rng(0)</c> (PCG64), which
/// TorchSharp cannot reproduce, so the data set is a fresh draw from a torch generator (same distribution, different
/// trajectories): q ~ N(0, PositionScale²) [n, 2] first, then v ~ N(0, VelocityScale²) [n, 2], drawn in float64 and
/// stored as (q1, v1, q2, v2).</para>
/// </summary>
public sealed class SpringSimulator
{
    /// <summary>Creates the simulator.</summary>
    /// <param name="config">Constants (null: the paper's defaults).</param>
    public SpringSimulator(SpringConfig? config = null)
    {
        Config = config ?? new SpringConfig();
        Config.Validate();
    }

    /// <summary>The constants in use.</summary>
    public SpringConfig Config { get; }

    /// <summary>The vector field: d/dt (q1, v1, q2, v2) for states [..., 4].</summary>
    /// <param name="state">States [..., 4] (float32 or float64).</param>
    public Tensor Rhs(Tensor state)
    {
        ValidateState(state, nameof(state));
        using var scope = NewDisposeScope();
        var c = Config;
        var q1 = state[TensorIndex.Ellipsis, 0];
        var v1 = state[TensorIndex.Ellipsis, 1];
        var q2 = state[TensorIndex.Ellipsis, 2];
        var v2 = state[TensorIndex.Ellipsis, 3];
        var dv1 = Acceleration(q1, v1, q2, c);
        var dv2 = Acceleration(q2, v2, q1, c);
        return stack([v1, dv1, v2, dv2], -1).MoveToOuterDisposeScope();
    }

    /// <summary>One classical RK4 step of length dt: x + dt/6 (k1 + 2k2 + 2k3 + k4).</summary>
    /// <param name="state">States [..., 4].</param>
    public Tensor Step(Tensor state)
    {
        using var scope = NewDisposeScope();
        var half = Scalars.Shared(0.5 * Config.Dt);
        var k1 = Rhs(state);
        var k2 = Rhs(state.add(k1, half));
        var k3 = Rhs(state.add(k2, half));
        var k4 = Rhs(state.add(k3, Scalars.Shared(Config.Dt)));
        var sum = k1.add(k2, Scalars.Two).add_(k3, Scalars.Two).add_(k4, Scalars.One);
        return state.add(sum, Scalars.Shared(Config.Dt / 6.0)).MoveToOuterDisposeScope();
    }

    /// <summary>Draws initial states [n, 4] = (q1, v1, q2, v2) in float64 (see the class remarks for the order).</summary>
    /// <param name="n">Number of trajectories ≥ 1.</param>
    /// <param name="generator">Generator (null: the global generator).</param>
    public Tensor InitialStates(int n, Generator? generator = null)
    {
        if (n < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, "n must be ≥ 1.");
        }

        using var scope = NewDisposeScope();
        var q = randn([n, 2], ScalarType.Float64, generator: generator).mul(Scalars.Shared(Config.PositionScale));
        var v = randn([n, 2], ScalarType.Float64, generator: generator).mul(Scalars.Shared(Config.VelocityScale));
        return stack([q[.., 0], v[.., 0], q[.., 1], v[.., 1]], 1).MoveToOuterDisposeScope();
    }

    /// <summary>Simulates trajectories [n, Horizon, 4] from given initial states (each step kept in their dtype).</summary>
    /// <param name="initial">Initial states [n, 4], float32 (reference) or float64, any device.</param>
    public Tensor Simulate(Tensor initial)
    {
        ValidateState(initial, nameof(initial));
        if (initial.dim() != 2)
        {
            throw new ArgumentException(
                $"initial has shape [{string.Join(", ", initial.shape)}]; expected [n, 4].", nameof(initial));
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var states = new Tensor[Config.Horizon];
        states[0] = initial.detach();
        for (int t = 1; t < Config.Horizon; t++)
        {
            states[t] = Step(states[t - 1]);
        }

        return stack(states, 1).MoveToOuterDisposeScope();
    }

    /// <summary>Draws initial states and simulates [n, Horizon, 4] in <paramref name="dtype"/>.</summary>
    /// <param name="n">Number of trajectories ≥ 1.</param>
    /// <param name="generator">Generator of the initial states (null: the global generator).</param>
    /// <param name="dtype">Float32 (default, as the reference) or Float64.</param>
    /// <param name="device">Device (null: CPU).</param>
    public Tensor Simulate(int n, Generator? generator = null, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        if (dtype is not (ScalarType.Float32 or ScalarType.Float64))
        {
            throw new ArgumentException($"dtype is {dtype}; allowed: Float32 or Float64.", nameof(dtype));
        }

        using var scope = NewDisposeScope();
        var initial = InitialStates(n, generator).to(dtype, device ?? CPU);
        return Simulate(initial).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Total energy ½(v1² + v2²) + ½k_w(q1² + q2²) + ½k_c(q1 − q2)² + ¼κ(q1⁴ + q2⁴) of states [..., 4] (unit masses);
    /// it is conserved without damping and dE/dt = −c(v1² + v2²) with it.
    /// </summary>
    /// <param name="state">States [..., 4]; returns [...].</param>
    public Tensor Energy(Tensor state)
    {
        ValidateState(state, nameof(state));
        using var scope = NewDisposeScope();
        var c = Config;
        var q1 = state[TensorIndex.Ellipsis, 0];
        var v1 = state[TensorIndex.Ellipsis, 1];
        var q2 = state[TensorIndex.Ellipsis, 2];
        var v2 = state[TensorIndex.Ellipsis, 3];
        var kinetic = v1.pow(Scalars.Two).add(v2.pow(Scalars.Two), Scalars.One).mul(Scalars.Half);
        var wall = q1.pow(Scalars.Two).add(q2.pow(Scalars.Two), Scalars.One).mul(Scalars.Shared(0.5 * c.KWall));
        var coupling = q1.sub(q2).pow(Scalars.Two).mul(Scalars.Shared(0.5 * c.KCouple));
        var cubic = q1.pow(Scalars.Two).pow(Scalars.Two).add(q2.pow(Scalars.Two).pow(Scalars.Two), Scalars.One).mul(Scalars.Shared(0.25 * c.Cubic));
        return kinetic.add(wall, Scalars.One).add(coupling, Scalars.One).add(cubic, Scalars.One).MoveToOuterDisposeScope();
    }

    // dv_i = −k_w q_i − k_c (q_i − q_j) − c v_i − κ q_i³
    private static Tensor Acceleration(Tensor q, Tensor v, Tensor other, SpringConfig c) =>
        q.mul(Scalars.Shared(-c.KWall))
            .sub(q.sub(other).mul(Scalars.Shared(c.KCouple)))
            .sub(v.mul(Scalars.Shared(c.Damping)))
            .sub(q.pow(Scalars.Two).mul(q).mul(Scalars.Shared(c.Cubic)));

    private static void ValidateState(Tensor state, string name)
    {
        ArgumentNullException.ThrowIfNull(state, name);
        if (state.dim() < 1 || state.shape[^1] != 4)
        {
            throw new ArgumentException(
                $"{name} has shape [{string.Join(", ", state.shape)}]; the last dimension must be 4 (q1, v1, q2, v2).", name);
        }

        if (state.dtype is not (ScalarType.Float32 or ScalarType.Float64))
        {
            throw new ArgumentException($"{name} has dtype {state.dtype}; allowed: Float32 or Float64.", name);
        }
    }
}
