namespace FluxMatching.Training;

using static TorchSharp.torch;

/// <summary>
/// The communication of data-parallel training (the authors' DDP): the replicas of one model, one per process, each
/// draw their own batch and combine their gradients once per step. <see cref="TrainingSession"/> calls it; an
/// implementation only moves bytes (e.g. MPI in FluxMatching.Distributed), so the core does not depend on it.
/// </summary>
public interface IGradientReducer
{
    /// <summary>This replica's index r in [0, <see cref="Size"/>). Replica r draws its data with seed + r; replica 0
    /// alone writes checkpoints and reports progress.</summary>
    int Rank { get; }

    /// <summary>Number of replicas N (≥ 1).</summary>
    int Size { get; }

    /// <summary>Verify that all replicas hold identical parameters every this many steps (0: never).</summary>
    int ChecksumEvery { get; }

    /// <summary>
    /// Replaces <paramref name="buffer"/> by its element-wise sum over all replicas, in one collective call. Every
    /// replica calls it once per step with a buffer of the same length, element type and order.
    /// </summary>
    /// <param name="buffer">[n] contiguous float32 or float64 tensor in host (CPU) memory; summed in place.</param>
    void AllReduceSum(Tensor buffer);

    /// <summary>
    /// Compares this replica's parameter checksum with every other replica's (one collective call) and throws when
    /// any differs.
    /// </summary>
    /// <param name="checksum">Checksum of this replica's parameters.</param>
    /// <param name="step">Optimizer steps taken so far (for the message).</param>
    /// <exception cref="InvalidOperationException">The replicas' parameters diverged; the message names the ranks.</exception>
    void VerifyIdentical(long checksum, long step);
}
