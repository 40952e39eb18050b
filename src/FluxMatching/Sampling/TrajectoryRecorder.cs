namespace FluxMatching.Sampling;

using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Keeps copies of the sampler state at step 0, at every multiple of <c>every</c>, and at the last step (when it is not
/// a multiple), then stacks them into [T, N, D]. Frames live in the sampler's run scope.
/// </summary>
internal sealed class TrajectoryRecorder
{
    private readonly int every;
    private readonly List<Tensor> frames = [];
    private int lastRecorded = -1;

    /// <summary>Creates a recorder; <paramref name="every"/> = 0 records nothing.</summary>
    public TrajectoryRecorder(int every) => this.every = every;

    /// <summary>Offers the state after <paramref name="step"/> steps (0 = the start).</summary>
    public void Observe(int step, Tensor x, bool isLast)
    {
        if (every > 0 && (step % every == 0 || isLast) && step != lastRecorded)
        {
            frames.Add(x.clone());
            lastRecorded = step;
        }
    }

    /// <summary>The stacked trajectory [T, N, D], or null when nothing was recorded.</summary>
    public Tensor? Stack() => frames.Count == 0 ? null : torch.stack(frames, 0);
}
