namespace FluxMatching.Sampling;

using static TorchSharp.torch;

/// <summary>The result of <see cref="ProbabilityFlowLikelihood.Evaluate"/>; tensors on the input's device and dtype.</summary>
/// <param name="NegativeLogLikelihood">−log p_{σ_min}(x) in nats [B].</param>
/// <param name="BitsPerDim">−log p/(D ln 2) + offset [B].</param>
/// <param name="Latent">The ODE's end point x(σ_max) [B, D].</param>
/// <param name="FunctionEvaluations">Evaluations of the field (each with its divergence).</param>
/// <param name="Steps">Accepted solver steps.</param>
/// <param name="Elapsed">Wall-clock time.</param>
public sealed record LikelihoodResult(Tensor NegativeLogLikelihood, Tensor BitsPerDim, Tensor Latent,
    int FunctionEvaluations, int Steps, TimeSpan Elapsed);
