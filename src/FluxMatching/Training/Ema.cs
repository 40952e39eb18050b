namespace FluxMatching.Training;

using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Exponential moving average of a module's parameters: e ← e + (1 − β_t)(p − e), with the warm-up
/// β_t = min(β, (1 + t)/(10 + t)) so early averages are not dominated by the initialization.
/// </summary>
public sealed class Ema
{
    private readonly (Tensor Ema, Tensor Source)[] _pairs;
    private readonly double _decay;
    private int _updates;

    /// <summary>Pairs the parameters of <paramref name="source"/> and <paramref name="target"/> (same architecture).</summary>
    /// <param name="source">The trained module.</param>
    /// <param name="target">The averaged copy.</param>
    /// <param name="decay">β in [0, 1); 0 copies the parameters each update.</param>
    public Ema(nn.Module source, nn.Module target, double decay)
    {
        if (decay is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(decay), decay, "EMA decay must be in [0, 1).");
        _pairs = target.parameters().Zip(source.parameters(), (e, p) => ((Tensor)e, (Tensor)p)).ToArray();
        _decay = decay;
    }

    /// <summary>Moves the average one step toward the current parameters.</summary>
    public void Update()
    {
        _updates++;
        double beta = Math.Min(_decay, (1.0 + _updates) / (10.0 + _updates));
        using var keep = beta.ToScalar();
        using var take = (1.0 - beta).ToScalar();
        using var _ = torch.no_grad();
        foreach (var (e, p) in _pairs) e.mul_(keep).add_(p, take);
    }
}
