namespace FluxMatching.Controllable;

using FluxMatching.Fields;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// One member f_θ = s + Σ_k θ_k b_k of exp1's family (<see cref="ControllableFieldFamily.Field"/>) as an
/// <see cref="IVectorField"/>, e.g. to draw its streamlines. Computes in float64 and returns the caller's dtype.
/// </summary>
/// <param name="family">The family (not owned).</param>
/// <param name="theta">θ [3], finite.</param>
/// <param name="kind">Preserving (default) or violating modes.</param>
public sealed class ControllableFamilyField(ControllableFieldFamily family, IReadOnlyList<double> theta,
    ModeKind kind = ModeKind.Preserving) : IVectorField
{
    private readonly ControllableFieldFamily family = family ?? throw new ArgumentNullException(nameof(family));
    private readonly double[] theta = (theta ?? throw new ArgumentNullException(nameof(theta))).ToArray();

    /// <summary>The field's θ [3].</summary>
    public IReadOnlyList<double> Theta => theta;

    /// <summary>Which modes the field adds to the score.</summary>
    public ModeKind Kind => kind;

    /// <inheritdoc />
    public int Dimension => 2;

    /// <inheritdoc />
    public bool IsNoiseConditioned => false;

    /// <summary>f_θ(x), [B, 2] → [B, 2] in x's dtype and device; σ is ignored.</summary>
    /// <param name="x">Points [B, 2].</param>
    /// <param name="sigma">Ignored (the family is not noise-conditioned).</param>
    public Tensor Evaluate(Tensor x, Tensor? sigma = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        using var scope = NewDisposeScope();
        return family.Field(x.to(ScalarType.Float64), theta, kind).to(x.dtype).MoveToOuterDisposeScope();
    }
}
