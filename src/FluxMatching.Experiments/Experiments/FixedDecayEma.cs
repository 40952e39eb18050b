namespace FluxMatching.Experiments;

using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// The EMA rule of the authors' exp5 <c>train.py</c> (reference-code §3.6): the copy starts equal to the trained
/// module and every update sets e ← β·e + (1 − β)·p, with a constant β and no warm-up (unlike
/// <see cref="Training.Ema"/>, whose β ramps up). The copy's parameters stop requiring grad.
/// </summary>
public sealed class FixedDecayEma : IDisposable
{
    private readonly (Tensor Ema, Tensor Source)[] pairs;
    private readonly Scalar keep;
    private readonly Scalar take;

    /// <summary>Pairs the parameters of <paramref name="source"/> and <paramref name="target"/> and copies the
    /// source into the target.</summary>
    /// <param name="source">The trained module.</param>
    /// <param name="target">The averaged copy (same architecture, dtype and device).</param>
    /// <param name="decay">β in [0, 1) (exp5: 0.99).</param>
    public FixedDecayEma(nn.Module source, nn.Module target, double decay)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        if (decay is < 0 or >= 1 || double.IsNaN(decay))
        {
            throw new ArgumentOutOfRangeException(nameof(decay), decay, "decay must be in [0, 1).");
        }

        pairs = target.parameters().Zip(source.parameters(), (e, p) => ((Tensor)e, (Tensor)p)).ToArray();
        if (pairs.Length != source.parameters().Count() || pairs.Any(t => !t.Ema.shape.SequenceEqual(t.Source.shape)))
        {
            throw new ArgumentException("target must have the same parameters (count and shapes) as source.", nameof(target));
        }

        Decay = decay;
        keep = decay.ToScalar();
        take = (1.0 - decay).ToScalar();
        using var noGrad = no_grad();
        foreach (var (e, p) in pairs)
        {
            e.requires_grad_(false).copy_(p);
        }
    }

    /// <summary>β.</summary>
    public double Decay { get; }

    /// <summary>One update: e ← β·e + (1 − β)·p for every parameter pair.</summary>
    public void Update()
    {
        using var noGrad = no_grad();
        foreach (var (e, p) in pairs)
        {
            e.mul_(keep).add_(p, take);
        }
    }

    /// <summary>Frees the cached scalars.</summary>
    public void Dispose()
    {
        keep.Dispose();
        take.Dispose();
    }
}
