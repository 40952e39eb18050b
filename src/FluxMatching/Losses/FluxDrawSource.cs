namespace FluxMatching.Losses;

using FluxMatching.Data;
using FluxMatching.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Supplies the random draws of one flux-loss call in the reference order (the authors' src/flux_matching.py (flux_matching_loss)): each draw is taken
/// from <see cref="FluxLossDraws"/> when injected (validated and moved to x's dtype/device) and otherwise drawn from
/// the generator (null: the global generator) exactly as the reference draws it.
/// </summary>
internal sealed class FluxDrawSource
{
    private readonly FluxLossDraws? draws;
    private readonly Generator? generator;
    private readonly long[] shape;
    private readonly long batch;
    private readonly long dimension;
    private readonly ScalarType dtype;
    private readonly Device device;
    private int substep;

    public FluxDrawSource(Tensor x, FluxLossDraws? draws, Generator? generator, int substeps)
    {
        this.draws = draws;
        this.generator = generator;
        shape = x.shape;
        batch = shape[0];
        dimension = x.numel() / batch;
        dtype = x.dtype;
        device = x.device;
        if (draws?.SubstepNoises is { } noises && noises.Count != substeps)
        {
            throw new ArgumentException(
                $"draws.SubstepNoises must hold exactly {substeps} tensors (one per substep), got {noises.Count}.",
                nameof(draws));
        }
    }

    /// <summary>DRAW 1: ξ0 as [B, D].</summary>
    public Tensor AnchorNoise() =>
        draws?.AnchorNoise is { } a ? Validate(a, nameof(FluxLossDraws.AnchorNoise)) : Normal();

    /// <summary>DRAW 2 without a proposal: u ∈ [0, 1) as a double (drawn as rand(()) in x's dtype).</summary>
    public double HorizonUniform()
    {
        var u = draws?.HorizonUniform ?? RandomDraws.Rand([], dtype, device, generator);
        return SingleValue(u);
    }

    /// <summary>DRAW 2 without a proposal, left on x's device: u [] in x's dtype (no host read).</summary>
    public Tensor HorizonUniformTensor()
    {
        if (draws?.HorizonUniform is { } u)
        {
            if (u.numel() != 1)
            {
                throw new ArgumentException(
                    $"draws.HorizonUniform must hold exactly one element, got shape [{string.Join(", ", u.shape)}].",
                    "draws");
            }

            return u.to(dtype, device).reshape(Array.Empty<long>());
        }

        return RandomDraws.Rand([], dtype, device, generator);
    }

    /// <summary>The injected proposal uniform, or null (the proposal then draws rand(1) itself).</summary>
    public Tensor? ProposalUniform()
    {
        if (draws?.HorizonUniform is { } u)
        {
            SingleValue(u);
            return u;
        }

        return null;
    }

    /// <summary>The generator, for the proposal's own draw.</summary>
    public Generator? Generator => generator;

    /// <summary>DRAWS 3..K+2: the next substep noise as [B, D].</summary>
    public Tensor SubstepNoise()
    {
        int k = substep++;
        return draws?.SubstepNoises is { } n ? Validate(n[k], $"{nameof(FluxLossDraws.SubstepNoises)}[{k}]") : Normal();
    }

    /// <summary>The last draw: the Hutchinson probe as [B, D] in x's dtype.</summary>
    public Tensor Probe(DivergenceEstimator estimator)
    {
        if (draws?.Probe is { } p)
        {
            var probe = Validate(p, nameof(FluxLossDraws.Probe));
            if (p.is_integral() || p.dtype == ScalarType.Bool)
            {
                return probe.mul(Scalars.Two).sub_(Scalars.One);
            }

            return probe;
        }

        if (estimator == DivergenceEstimator.Gaussian)
        {
            return Normal();
        }

        var bits = RandomDraws.Randint(0, 2, shape, ScalarType.Int64, device, generator);
        return bits.to(dtype).reshape(batch, dimension).mul_(Scalars.Two).sub_(Scalars.One);
    }

    private Tensor Normal() =>
        RandomDraws.Randn(shape, dtype, device, generator).reshape(batch, dimension);

    private Tensor Validate(Tensor t, string name)
    {
        bool sameAsX = t.shape.SequenceEqual(shape);
        bool flat = t.dim() == 2 && t.shape[0] == batch && t.shape[1] == dimension;
        if (!sameAsX && !flat)
        {
            throw new ArgumentException(
                $"draws.{name} must have x's shape [{string.Join(", ", shape)}] or [{batch}, {dimension}], got " +
                $"[{string.Join(", ", t.shape)}].", "draws");
        }

        return t.to(dtype, device).reshape(batch, dimension);
    }

    private static double SingleValue(Tensor u)
    {
        if (u.numel() != 1)
        {
            throw new ArgumentException(
                $"draws.HorizonUniform must hold exactly one element, got shape [{string.Join(", ", u.shape)}].",
                "draws");
        }

        double value = u.to(ScalarType.Float64).reshape(1).ItemAsDouble();
        if (!(value >= 0.0 && value <= 1.0))
        {
            throw new ArgumentOutOfRangeException("draws", value, "draws.HorizonUniform must lie in [0, 1].");
        }

        return value;
    }
}
