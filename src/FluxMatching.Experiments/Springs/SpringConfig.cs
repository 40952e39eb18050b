namespace FluxMatching.Springs;

/// <summary>
/// Constants of exp5's two coupled nonlinear damped springs between walls (the authors' experiments/exp5_embed_structure, paper §4.5):
/// q̈_i = −k_w q_i − k_c (q_i − q_j) − c q̇_i − κ q_i³, state (q1, v1, q2, v2). Defaults are the paper's values and
/// the data script's CLI defaults ("release" initial conditions).
/// </summary>
public sealed record SpringConfig
{
    /// <summary>Wall stiffness k_w (default 1.0).</summary>
    public double KWall { get; init; } = 1.0;

    /// <summary>Coupling stiffness k_c between the two masses (default 0.7).</summary>
    public double KCouple { get; init; } = 0.7;

    /// <summary>Linear damping c (default 0.08; 0 conserves energy).</summary>
    public double Damping { get; init; } = 0.08;

    /// <summary>Cubic (hardening) stiffness κ (default 0.08).</summary>
    public double Cubic { get; init; } = 0.08;

    /// <summary>RK4 step dt in time units (default 0.1).</summary>
    public double Dt { get; init; } = 0.1;

    /// <summary>States per trajectory: the initial state plus Horizon − 1 RK4 steps (default 50; ≥ 1).</summary>
    public int Horizon { get; init; } = 50;

    /// <summary>Standard deviation of the initial positions q ~ N(0, s²) (default 3.0, the CLI default).</summary>
    public double PositionScale { get; init; } = 3.0;

    /// <summary>Standard deviation of the initial velocities v ~ N(0, s²) (default 1.5, the CLI default).</summary>
    public double VelocityScale { get; init; } = 1.5;

    /// <summary>Number of trajectories of the training set (default 2,000; ≥ 1).</summary>
    public int Trajectories { get; init; } = 2000;

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        foreach (var (v, name) in new[]
        {
            (KWall, nameof(KWall)), (KCouple, nameof(KCouple)), (Damping, nameof(Damping)), (Cubic, nameof(Cubic)),
            (PositionScale, nameof(PositionScale)), (VelocityScale, nameof(VelocityScale)),
        })
        {
            if (!double.IsFinite(v) || v < 0)
            {
                throw new ArgumentOutOfRangeException($"config.{name}", v, $"{name} must be finite and ≥ 0.");
            }
        }

        if (!double.IsFinite(Dt) || Dt <= 0)
        {
            throw new ArgumentOutOfRangeException("config.Dt", Dt, "Dt must be finite and > 0.");
        }

        if (Horizon < 1)
        {
            throw new ArgumentOutOfRangeException("config.Horizon", Horizon, "Horizon must be ≥ 1.");
        }

        if (Trajectories < 1)
        {
            throw new ArgumentOutOfRangeException("config.Trajectories", Trajectories, "Trajectories must be ≥ 1.");
        }
    }
}
