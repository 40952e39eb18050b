namespace FluxMatching.Controllable;

/// <summary>Settings of <see cref="MonteCarloFluxLoss"/> (defaults: exp1, the authors' experiments/exp1_controllable/test.py).</summary>
public sealed record MonteCarloFluxOptions
{
    /// <summary>Anchors per repeat, exact samples of p (default 256; ≥ 2).</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Independent repeats, each with its own anchors and horizon t (default 64; ≥ 1).</summary>
    public int Repeats { get; init; } = 64;

    /// <summary>Horizon H of the uniform proposal t ~ U[0, H), q = 1/H (default 4).</summary>
    public double Horizon { get; init; } = 4.0;

    /// <summary>Exponential-integrator substeps of the reference Langevin rollout (default 4; ≥ 1).</summary>
    public int Substeps { get; init; } = 4;

    /// <summary>Floor of the one-jump variance σ²(1 − e^{−2t}) in the responsibilities (default 1e-12; ≥ 0).</summary>
    public double VarianceFloor { get; init; } = 1e-12;

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        if (BatchSize < 2)
        {
            throw new ArgumentOutOfRangeException("options.BatchSize", BatchSize, "BatchSize must be ≥ 2.");
        }

        if (Repeats < 1)
        {
            throw new ArgumentOutOfRangeException("options.Repeats", Repeats, "Repeats must be ≥ 1.");
        }

        if (!double.IsFinite(Horizon) || Horizon <= 0)
        {
            throw new ArgumentOutOfRangeException("options.Horizon", Horizon, "Horizon must be finite and > 0.");
        }

        if (Substeps < 1)
        {
            throw new ArgumentOutOfRangeException("options.Substeps", Substeps, "Substeps must be ≥ 1.");
        }

        if (!double.IsFinite(VarianceFloor) || VarianceFloor < 0)
        {
            throw new ArgumentOutOfRangeException("options.VarianceFloor", VarianceFloor, "VarianceFloor must be finite and ≥ 0.");
        }
    }
}
