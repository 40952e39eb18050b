namespace FluxMatching.Training;

using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Exponential moving average of a module's parameters: e ← β_t·e + (1 − β_t)·p. With the warm-up (the default)
/// β_t = min(β, (1 + t)/(10 + t)) so early averages are not dominated by the initialization; without it β_t = β from
/// the first update (the rule of the authors' exp5 <c>train.py</c>).
/// </summary>
public sealed class Ema
{
    private readonly (Tensor Ema, Tensor Source)[] pairs;
    private readonly double decay;
    private readonly bool warmup;
    private int updates;

    /// <summary>Pairs the parameters of <paramref name="source"/> and <paramref name="target"/> (same architecture).</summary>
    /// <param name="source">The trained module.</param>
    /// <param name="target">The averaged copy (same parameter count and shapes, dtype and device).</param>
    /// <param name="decay">β in [0, 1); 0 copies the parameters each update.</param>
    /// <param name="warmup">Ramp β up as min(β, (1 + t)/(10 + t)) (default true); false: constant β.</param>
    public Ema(nn.Module source, nn.Module target, double decay, bool warmup = true)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        if (decay is < 0 or >= 1 || double.IsNaN(decay))
        {
            throw new ArgumentOutOfRangeException(nameof(decay), decay, "EMA decay must be in [0, 1).");
        }

        pairs = target.parameters().Zip(source.parameters(), (e, p) => ((Tensor)e, (Tensor)p)).ToArray();
        if (pairs.Length != source.parameters().Count() || pairs.Length != target.parameters().Count()
            || pairs.Any(t => !t.Ema.shape.SequenceEqual(t.Source.shape)))
        {
            throw new ArgumentException("target must have the same parameters (count and shapes) as source.", nameof(target));
        }

        this.decay = decay;
        this.warmup = warmup;
    }

    /// <summary>β.</summary>
    public double Decay => this.decay;

    /// <summary>Updates taken so far (t of the warm-up; a resumed session restores it).</summary>
    public int Updates
    {
        get => this.updates;
        internal set => this.updates = value;
    }

    /// <summary>Whether β ramps up over the first updates.</summary>
    public bool Warmup => this.warmup;

    /// <summary>Copies the trained parameters into the average (which stops requiring grad) and restarts the warm-up.
    /// </summary>
    public void Reset()
    {
        using var _ = torch.no_grad();
        foreach (var (e, p) in pairs)
        {
            e.requires_grad_(false).copy_(p);
        }

        this.updates = 0;
    }

    /// <summary>Moves the average one step toward the current parameters.</summary>
    public void Update()
    {
        this.updates++;
        double beta = this.warmup ? Math.Min(this.decay, (1.0 + this.updates) / (10.0 + this.updates)) : this.decay;
        using var keep = beta.ToScalar();
        using var take = (1.0 - beta).ToScalar();
        using var _ = torch.no_grad();
        foreach (var (e, p) in pairs)
        {
            e.mul_(keep).add_(p, take);
        }
    }
}
