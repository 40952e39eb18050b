namespace FluxMatching.Experiments;

/// <summary>One exact-W2 evaluation of a springs run (the authors' experiments/exp5_embed_structure).</summary>
/// <param name="Step">Optimizer steps taken when it was evaluated.</param>
/// <param name="W2">Exact W2 between the generated and the training trajectories (standardised, flattened); +∞ when
/// the sampler produced non-finite values.</param>
/// <param name="Seconds">Wall-clock seconds of the evaluation (sampling and assignment).</param>
public sealed record W2Evaluation(int Step, double W2, double Seconds);
