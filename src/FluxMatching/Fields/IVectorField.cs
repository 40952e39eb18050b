namespace FluxMatching.Fields;

using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// A vector field f: R^D → R^D, the drift of the Langevin dynamics dX = f(X) dt + √2 dW (paper Eq. 1–3).
/// Flux Matching learns any such field whose dynamics keep the data distribution stationary:
/// f = ∇log p + v with ∇·(p v) = 0 (Eq. 3).
/// </summary>
public interface IVectorField
{
    /// <summary>Data dimension D (the field maps [B, D] to [B, D]).</summary>
    int Dimension { get; }

    /// <summary>True when the field takes the noise level σ as an extra input (annealed training).</summary>
    bool IsNoiseConditioned { get; }

    /// <summary>
    /// The device of the field's tensors: samplers, evaluators and metrics put their tensors there unless told
    /// otherwise. A field with parameters reports theirs; a field without state follows its input and names the device
    /// its callers should use (default: the CPU).
    /// </summary>
    Device Device => CPU;

    /// <summary>The element type the field computes in (float32 or float64), the default of samplers, evaluators and
    /// metrics; a field with parameters reports theirs (default: float32).</summary>
    ScalarType DType => ScalarType.Float32;

    /// <summary>
    /// Evaluates the field.
    /// </summary>
    /// <param name="x">Points, shape [B, D], on the field's device and dtype.</param>
    /// <param name="sigma">Noise standard deviation σ: a 0-d tensor or shape [B]; required when
    /// <see cref="IsNoiseConditioned"/> is true, ignored otherwise.</param>
    /// <returns>f(x; σ), shape [B, D].</returns>
    Tensor Evaluate(Tensor x, Tensor? sigma = null);
}

/// <summary>A vector field with trainable parameters (a TorchSharp module).</summary>
public abstract class TrainableField : nn.Module, IVectorField
{
    /// <summary>Creates the module with the given name.</summary>
    protected TrainableField(string name) : base(name) { }

    /// <inheritdoc />
    public abstract int Dimension { get; }

    /// <inheritdoc />
    public abstract bool IsNoiseConditioned { get; }

    /// <inheritdoc />
    public abstract Tensor Evaluate(Tensor x, Tensor? sigma = null);

    /// <summary>The device of the first parameter (the CPU for a field without parameters).</summary>
    public virtual Device Device => parameters().FirstOrDefault()?.device ?? CPU;

    /// <summary>The element type of the first parameter (float32 for a field without parameters).</summary>
    public virtual ScalarType DType => parameters().FirstOrDefault()?.dtype ?? ScalarType.Float32;
}
