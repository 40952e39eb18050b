namespace FluxMatching.Metrics;

/// <summary>
/// Settings of the entropic transport cost of <see cref="SinkhornDivergence"/> (the authors'
/// experiments/exp4_fast_mixing/application_loss.py: ε = 0.05, 50 iterations).
/// </summary>
public sealed record SinkhornOptions
{
    /// <summary>The reference settings (ε = 0.05, 50 iterations).</summary>
    public static SinkhornOptions Default { get; } = new();

    /// <summary>Entropic regularization ε &gt; 0, in the units of the cost (squared distance). Default 0.05.</summary>
    public double Epsilon { get; init; } = 0.05;

    /// <summary>Number of log-domain Sinkhorn iterations (each updates both potentials), exactly this many, no
    /// convergence test. Default 50.</summary>
    public int Iterations { get; init; } = 50;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (!(Epsilon > 0) || !double.IsFinite(Epsilon))
        {
            throw new ArgumentOutOfRangeException(nameof(Epsilon), Epsilon, "epsilon must be a finite number > 0.");
        }

        if (Iterations is < 1 or > 100_000)
        {
            throw new ArgumentOutOfRangeException(nameof(Iterations), Iterations, "iterations must be between 1 and 100000.");
        }
    }
}
