namespace FluxMatching.Fields;

using FluxMatching.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// A field whose flux-loss end-point terms have a closed form (no autograd graph): f(z), pᵀ∇f(z) p [B] and
/// ∇_z(pᵀ∇f p + c·f) [B, D] (the Hutchinson residual of paper Eq. 6 and its gradient). Pure tensor code, valid on any
/// device; fused CPU passes inside engage only on CPU tensors.
/// </summary>
internal interface IClosedFormEndPoint : IVectorField
{
    /// <summary>The end-point terms for flattened z, p, c [B, D] and σ (one element) or null.</summary>
    (Tensor F, Tensor Quadratic, Tensor Gradient) EndPointTerms(Tensor z, Tensor? sigma, Tensor probe, Tensor c);
}

/// <summary>A field with a hand-written first-order autograd node: f(x; σ) for a loss that differentiates it once
/// (the flux loss's anchor term, DSM). Not differentiable twice. Falls back to libtorch off the CPU.</summary>
internal interface IFirstOrderNode : IVectorField
{
    /// <summary>f(x; σ) [B, D] through the first-order node.</summary>
    Tensor EvaluateFirstOrder(Tensor x, Tensor? sigma);
}

/// <summary>A field that evaluates DSM's objective mean_b Σ_d (f(x_b; σ) + y_b)_d² as one first-order node (value and
/// parameter gradients in one call). Falls back to libtorch off the CPU.</summary>
internal interface ISquaredResidualNode : IVectorField
{
    /// <summary>mean_b Σ_d (f(x_b; σ) + y_b)_d², 0-d, for x and y [B, D] and σ (one element or [B]) or null.</summary>
    Tensor MeanSquaredResidual(Tensor x, Tensor? sigma, Tensor offset);
}

/// <summary>A field with a gradient-free sampler drift: fused CPU passes per step, and optionally a whole-run fused
/// plan over packed weights (<see cref="FusedMlpDrift"/>).</summary>
internal interface IFusedSamplerDrift : IVectorField
{
    /// <summary>f(x; σ) [N, D] without an autograd graph (same values as Evaluate up to rounding).</summary>
    Tensor Infer(Tensor x, Tensor? sigma);

    /// <summary>A fused plan over the current weights, or null where it does not apply.</summary>
    FusedMlpDrift? CreateDriftPlan();
}

/// <summary>A field whose training step on the CPU runs its matrix products on .NET workers
/// (<see cref="KernelThreads"/>) with libtorch single-threaded.</summary>
internal interface IOwnCpuKernels : IVectorField
{
}

/// <summary>
/// The one place that discovers a field's optional capabilities. The losses, the training step and the samplers ask
/// here; every field works without any of them through libtorch alone (<see cref="IVectorField.Evaluate"/> and
/// autograd). CPU-only capabilities are offered only for a field whose tensors live on the CPU.
/// </summary>
internal static class FieldCapabilities
{
    /// <summary>The denoiser D(z; σ) of a σ-conditioned field: its own (<see cref="IDenoiser"/>) or Tweedie's
    /// z + σ² f(z; σ) with σ one element or [B] (broadcast over the sample's dimensions).</summary>
    public static Func<Tensor, Tensor, Tensor> Denoiser(IVectorField field)
    {
        if (field is IDenoiser denoiser)
        {
            return denoiser.Denoise;
        }

        return (z, sigma) =>
        {
            var f = field.Evaluate(z, sigma);
            long n = sigma.numel();
            var column = sigma.to(z.dtype, z.device).reshape([n, .. Enumerable.Repeat(1L, (int)z.dim() - 1)]);
            return z.add(f.mul(column.pow(Scalars.Two)), Scalars.One);
        };
    }

    /// <summary>The closed-form end-point terms, or null (the loss then differentiates the field twice by autograd).
    /// </summary>
    public static IClosedFormEndPoint? ClosedFormEndPoint(IVectorField field) => field as IClosedFormEndPoint;

    /// <summary>f(·; σ) for a loss that differentiates it once: the field's first-order node where it has one, else
    /// <see cref="IVectorField.Evaluate"/>.</summary>
    public static Func<Tensor, Tensor> FirstOrder(IVectorField field, Tensor? sigma) =>
        field is IFirstOrderNode node ? z => node.EvaluateFirstOrder(z, sigma) : z => field.Evaluate(z, sigma);

    /// <summary>mean_b Σ_dims (f(x; σ) + y)², 0-d, for a loss that differentiates it once: the field's fused node where
    /// it has one, else the same expression on <see cref="FirstOrder"/>.</summary>
    /// <param name="field">The field f.</param>
    /// <param name="x">Points [B, *S].</param>
    /// <param name="sigma">σ for a noise-conditioned field, else null.</param>
    /// <param name="offset">y of x's shape.</param>
    public static Tensor MeanSquaredResidual(IVectorField field, Tensor x, Tensor? sigma, Tensor offset)
    {
        if (field is ISquaredResidualNode node)
        {
            return node.MeanSquaredResidual(x, sigma, offset);
        }

        return SquaredResidualMean(FirstOrder(field, sigma)(x), offset);
    }

    /// <summary>mean_b Σ_dims (f + y)², 0-d, in libtorch (autograd attached) for f [B, *S] and y of f's size.</summary>
    /// <param name="f">The field's values.</param>
    /// <param name="offset">y, reshaped to f's shape.</param>
    public static Tensor SquaredResidualMean(Tensor f, Tensor offset) =>
        f.add(offset.reshape(f.shape), Scalars.One).pow(Scalars.Two).reshape(f.size(0), -1).sum(1).mean();

    /// <summary>The first-order node, or null.</summary>
    public static IFirstOrderNode? FirstOrderNode(IVectorField field) => field as IFirstOrderNode;

    /// <summary>The fused sampler drift for chains on the CPU, or null.</summary>
    public static IFusedSamplerDrift? SamplerDrift(IVectorField field, Tensor x) =>
        field is IFusedSamplerDrift drift && x.device_type == DeviceType.CPU ? drift : null;

    /// <summary>f(x; σ) for a sampler step (under no_grad): the fused drift on the CPU, else Evaluate.</summary>
    public static Tensor Drift(IVectorField field, Tensor x, Tensor? sigma) =>
        SamplerDrift(field, x) is { } drift ? drift.Infer(x, sigma) : field.Evaluate(x, sigma);

    /// <summary>The denoiser D(x; σ) for a sampler step (under no_grad): the field's own (<see cref="IDenoiser"/>) where
    /// it has one, else Tweedie's formula x + σ²·f(x; σ) with f from <see cref="Drift"/>.</summary>
    /// <param name="field">A noise-conditioned field.</param>
    /// <param name="x">Points [B, D].</param>
    /// <param name="sigma">σ: a 0-d tensor or [B].</param>
    public static Tensor Denoise(IVectorField field, Tensor x, Tensor sigma) =>
        field is IDenoiser denoiser ? denoiser.Denoise(x, sigma) : Tweedie(x, sigma, Drift(field, x, sigma));

    /// <summary>The denoiser D(x; σ) through autograd (for divergences): the field's own where it has one, else
    /// x + σ²·f(x; σ) with f from <see cref="IVectorField.Evaluate"/> (never the gradient-free fused drift).</summary>
    /// <param name="field">A noise-conditioned field.</param>
    /// <param name="x">Points [B, D].</param>
    /// <param name="sigma">σ: a 0-d tensor or [B].</param>
    public static Tensor DifferentiableDenoise(IVectorField field, Tensor x, Tensor sigma) =>
        field is IDenoiser denoiser ? denoiser.Denoise(x, sigma) : Tweedie(x, sigma, field.Evaluate(x, sigma));

    /// <summary>True when the field's CPU training step runs its own kernels on .NET workers (libtorch then runs
    /// single-threaded).</summary>
    public static bool RunsOwnCpuKernels(IVectorField field) =>
        field is IOwnCpuKernels && field.Device.type == DeviceType.CPU;

    private static Tensor Tweedie(Tensor x, Tensor sigma, Tensor f)
    {
        using var scope = NewDisposeScope();
        var variance = sigma.dim() == 0 ? sigma.pow(Scalars.Two) : sigma.pow(Scalars.Two).reshape(-1, 1);
        return x.add(f.mul(variance), Scalars.One).MoveToOuterDisposeScope();
    }
}
