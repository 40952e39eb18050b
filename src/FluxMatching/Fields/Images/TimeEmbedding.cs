namespace FluxMatching.Fields.Images;

using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

/// <summary>
/// The authors' sinusoidal time embedding (<c>block.py</c> <c>TimeEmbedding</c>): with half = n/8 frequencies
/// ω_k = exp(−k·ln(10000)/(half − 1)), e = [sin(tω), cos(tω)] ([B, n/4]), then Linear(n/4 → n) → SiLU →
/// Linear(n → n). Computed in the parameters' dtype (the authors' float32 path computes it in float32).
/// </summary>
public sealed class TimeEmbedding : nn.Module<Tensor, Tensor>
{
    private readonly Linear lin1;
    private readonly Linear lin2;
    private readonly int half;

    /// <summary>Creates the embedding.</summary>
    /// <param name="channels">Embedding width n (a multiple of 8, ≥ 16).</param>
    public TimeEmbedding(int channels) : base(nameof(TimeEmbedding))
    {
        half = channels / 8;
        lin1 = nn.Linear(channels / 4, channels);
        lin2 = nn.Linear(channels, channels);
        RegisterComponents();
    }

    /// <summary>Embeds the time values.</summary>
    /// <param name="t">Time values [B] (EDM: c_noise = ln σ / 4).</param>
    /// <returns>[B, n].</returns>
    public override Tensor forward(Tensor t)
    {
        using var scope = NewDisposeScope();
        var dtype = lin1.weight!.dtype;
        var frequencies = Runtime.TorchOps.Arange(0, half, dtype, t.device)
            .mul(Runtime.Scalars.Shared(-Math.Log(10_000) / (half - 1))).exp_();
        var e = t.to(dtype).unsqueeze(1).mul(frequencies.unsqueeze(0));
        var emb = cat([e.sin(), e.cos()], 1);
        return lin2.forward(nn.functional.silu(lin1.forward(emb))).MoveToOuterDisposeScope();
    }
}
