namespace FluxMatching.Controllable;

/// <summary>Settings of <see cref="ControllableScan"/> (defaults: exp1, the authors' experiments/exp1_controllable/test.py).</summary>
public sealed record ControllableScanOptions
{
    /// <summary>Grid nodes per axis (default 25).</summary>
    public int GridSize { get; init; } = 25;

    /// <summary>Half-width of the grid box [−L, L]² (default 5.5).</summary>
    public double GridLimit { get; init; } = 5.5;

    /// <summary>Monte-Carlo flux loss settings (default: batch 256, 64 repeats, H = 4, 4 substeps).</summary>
    public MonteCarloFluxOptions Flux { get; init; } = new();

    /// <summary>False skips the Monte-Carlo flux losses (fast previews; the flux columns are then NaN).</summary>
    public bool ComputeFluxLoss { get; init; } = true;

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        if (GridSize < 3)
        {
            throw new ArgumentOutOfRangeException("options.GridSize", GridSize, "GridSize must be ≥ 3.");
        }

        if (!double.IsFinite(GridLimit) || GridLimit <= 0)
        {
            throw new ArgumentOutOfRangeException("options.GridLimit", GridLimit, "GridLimit must be finite and > 0.");
        }

        ArgumentNullException.ThrowIfNull(Flux, "options.Flux");
        Flux.Validate();
    }
}
