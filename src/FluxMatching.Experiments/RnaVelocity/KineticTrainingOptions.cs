namespace FluxMatching.RnaVelocity;

using static TorchSharp.torch;

/// <summary>Training of the kinetic field by the gene-local flux loss; defaults are the authors' (<c>flux_velocity</c>:
/// Adam 1e-3, 100 epochs, shuffled batches of 256 cells, σ² = 1e-3, float32).</summary>
public sealed record KineticTrainingOptions
{
    /// <summary>Passes over the cells. Default 100.</summary>
    public int Epochs { get; init; } = 100;

    /// <summary>Cells per batch (also the KDE's reference set; the last batch may be smaller). Default 256.</summary>
    public int Batch { get; init; } = 256;

    /// <summary>Adam learning rate. Default 1e-3.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Kernel and anchor-noise variance σ² (units of the moments squared). Default 1e-3.</summary>
    public double Sigma2 { get; init; } = 1e-3;

    /// <summary>Seed of the shuffles and the loss's draws. Default 0.</summary>
    public long Seed { get; init; }

    /// <summary>Element type. Default float32 (the authors').</summary>
    public ScalarType Dtype { get; init; } = ScalarType.Float32;

    /// <summary>Throws naming the first invalid option.</summary>
    public void Validate()
    {
        if (Epochs < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "epochs must be ≥ 1.");
        }

        if (Batch < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(Batch), Batch, "batch must be ≥ 2.");
        }

        if (!(LearningRate > 0) || !double.IsFinite(LearningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "lr must be finite and > 0.");
        }

        if (!(Sigma2 > 0) || !double.IsFinite(Sigma2))
        {
            throw new ArgumentOutOfRangeException(nameof(Sigma2), Sigma2, "sigma2 must be finite and > 0.");
        }

        if (Dtype is not (ScalarType.Float32 or ScalarType.Float64))
        {
            throw new ArgumentOutOfRangeException(nameof(Dtype), Dtype, "dtype must be float32 or float64.");
        }
    }
}
