namespace FluxMatching.RnaVelocity;

/// <summary>
/// Configuration of <see cref="SplicingSimulator"/>: a branching lineage (a trunk that splits into branches A and B)
/// whose genes follow scVelo's splicing kinetics du/dt = α(t) − βu, ds/dt = βu − γs with α switching on and off.
/// Time is in the kinetics' own units (1/β is the unspliced lifetime).
/// </summary>
public sealed record SplicingSimulatorOptions
{
    /// <summary>Number of genes G (default 60; at least 4: one gene of each program).</summary>
    public int Genes { get; init; } = 60;

    /// <summary>Number of cells N (default 1,200; at least 60).</summary>
    public int Cells { get; init; } = 1200;

    /// <summary>Seed of every draw (rates, switching times, latent times, counts). Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>Duration of the trunk (progenitor → intermediate). Default 8.</summary>
    public double TrunkDuration { get; init; } = 8.0;

    /// <summary>Duration of each branch after the split. Default 8.</summary>
    public double BranchDuration { get; init; } = 8.0;

    /// <summary>Share of the cells on the trunk (the rest split evenly between the branches). Default 0.4.</summary>
    public double TrunkFraction { get; init; } = 0.4;

    /// <summary>Mean molecules per unit of abundance (Poisson count depth; lower is noisier). Default 2, which gives
    /// sparse counts and moments of order 1 as in scVelo-normalized data (the flux loss's σ² = 1e-3 and the unit
    /// diffusion of its Langevin dynamics assume that scale).</summary>
    public double CountDepth { get; init; } = 2.0;

    /// <summary>Standard deviation of the log size factor per cell (library-size variation). Default 0.25.</summary>
    public double SizeFactorSpread { get; init; } = 0.25;

    /// <summary>Neighbours of the kNN graph (scVelo's moments use 30). Default 30.</summary>
    public int Neighbors { get; init; } = 30;

    /// <summary>Principal components for the kNN graph (scVelo: 30). Default 30.</summary>
    public int PrincipalComponents { get; init; } = 30;

    /// <summary>Throws naming the first invalid option.</summary>
    public void Validate()
    {
        if (Genes < 4)
        {
            throw new ArgumentOutOfRangeException(nameof(Genes), Genes, "genes must be ≥ 4.");
        }

        if (Cells < 60)
        {
            throw new ArgumentOutOfRangeException(nameof(Cells), Cells, "cells must be ≥ 60.");
        }

        if (!(TrunkDuration > 0) || !(BranchDuration > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(TrunkDuration), "durations must be > 0.");
        }

        if (TrunkFraction is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(TrunkFraction), TrunkFraction, "trunk fraction must be in (0, 1).");
        }

        if (!(CountDepth > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(CountDepth), CountDepth, "count depth must be > 0.");
        }

        if (!(SizeFactorSpread >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(SizeFactorSpread), SizeFactorSpread, "size-factor spread must be ≥ 0.");
        }

        if (Neighbors < 2 || Neighbors >= Cells)
        {
            throw new ArgumentOutOfRangeException(nameof(Neighbors), Neighbors, "neighbours must be in [2, cells).");
        }

        if (PrincipalComponents < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(PrincipalComponents), PrincipalComponents, "principal components must be ≥ 2.");
        }
    }
}
