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
}
