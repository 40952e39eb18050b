namespace FluxMatching.Fields;

using FluxMatching.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

/// <summary>
/// A transformer vector field over sequences (exp5's <c>TrajectoryDriftModel</c>, the authors' experiments/exp5_embed_structure, paper §4.5):
/// h = Linear(C → H)(x) + sinusoidal position table [T, H] (+ σ context, broadcast over time); <c>Depth</c> pre-LN
/// blocks attending over the time axis, optionally causal; head LN → Linear(H → C) gives <c>raw</c>, and the field is
/// raw/σ (σ clamped ≥ 1e-12) when noise-conditioned. Accepts x as [B, T, C] or flattened [B, T·C] and returns the
/// same shape. With a causal mask, output step t depends only on input steps ≤ t: ∂f_t/∂x_{t'} = 0 for t' &gt; t.
/// </summary>
/// <remarks>Position table: freq_k = exp(−ln(10⁴)·k/(H/2 − 1)), [sin(pos·freq), cos(pos·freq)], zero-padded for odd
/// H. σ features: the same frequencies on log σ. Parameters use PyTorch's default initialisation from the global
/// generator (seed with <c>torch.manual_seed</c>).</remarks>
public sealed class TransformerField : TrainableField
{
    private readonly Linear input_proj;
    private readonly Linear? sigma_in;
    private readonly Linear? sigma_out;
    private readonly ModuleList<TransformerBlock> blocks;
    private readonly LayerNorm out_norm;
    private readonly Linear out_proj;
    private readonly Tables tables;      // position table and mask: constants, not registered (as the reference's
                                         // non-persistent buffers), moved to the input's device/dtype per call
    private readonly Scalar sigmaFloor = 1e-12.ToScalar();

    /// <summary>Creates the field.</summary>
    /// <param name="config">Sizes (null: the small CPU defaults).</param>
    /// <param name="name">Module name.</param>
    public TransformerField(TransformerFieldConfig? config = null, string name = "transformer_field") : base(name)
    {
        Config = config ?? new TransformerFieldConfig();
        Config.Validate();
        int h = Config.Hidden;
        input_proj = nn.Linear(Config.Features, h);
        if (Config.NoiseConditioned)
        {
            sigma_in = nn.Linear(h, h);
            sigma_out = nn.Linear(h, h);
        }

        blocks = nn.ModuleList(Enumerable.Range(0, Config.Depth)
            .Select(i => new TransformerBlock(h, Config.Heads, Config.MlpRatio, $"block{i}")).ToArray());
        out_norm = nn.LayerNorm(h);
        out_proj = nn.Linear(h, Config.Features);
        using (NewDisposeScope())
        {
            var pos = TorchOps.Arange(0, Config.SequenceLength, ScalarType.Float32).unsqueeze(1);
            tables = new Tables(
                Sinusoidal(pos, h).DetachFromDisposeScope(),
                Config.Causal
                    ? ones(Config.SequenceLength, Config.SequenceLength, ScalarType.Bool).triu(1).DetachFromDisposeScope()
                    : null);
        }

        register_module("input_proj", input_proj);
        if (sigma_in is not null && sigma_out is not null)
        {
            register_module("sigma_in", sigma_in);
            register_module("sigma_out", sigma_out);
        }

        register_module("blocks", blocks);
        register_module("out_norm", out_norm);
        register_module("out_proj", out_proj);
    }

    /// <summary>The causal mask [T, T] (true above the diagonal = blocked), or null without one (a copy).</summary>
    public Tensor? CausalMask => tables.Mask?.clone();

    /// <summary>The sizes.</summary>
    public TransformerFieldConfig Config { get; }

    /// <inheritdoc />
    public override int Dimension => Config.SequenceLength * Config.Features;

    /// <inheritdoc />
    public override bool IsNoiseConditioned => Config.NoiseConditioned;

    /// <summary>f(x; σ) = raw(x, σ)/σ (noise-conditioned) or raw(x).</summary>
    /// <param name="x">Sequences [B, T, C] or [B, T·C], float32/float64 (the parameters' dtype).</param>
    /// <param name="sigma">σ: 0-d, [1] or [B]; required when noise-conditioned.</param>
    /// <returns>Same shape as x.</returns>
    public override Tensor Evaluate(Tensor x, Tensor? sigma = null)
    {
        using var scope = NewDisposeScope();
        var raw = EvaluateRaw(x, sigma);
        if (!Config.NoiseConditioned)
        {
            return raw.MoveToOuterDisposeScope();
        }

        var s = SigmaColumn(sigma!, x).clamp_min(sigmaFloor);
        return raw.div(s.reshape(SigmaShape(x, s))).MoveToOuterDisposeScope();
    }

    /// <summary>The raw head (the ε-prediction of exp5's DSM baseline), same shape as x.</summary>
    /// <param name="x">Sequences [B, T, C] or [B, T·C].</param>
    /// <param name="sigma">σ: 0-d, [1] or [B]; required when noise-conditioned, ignored otherwise.</param>
    public Tensor EvaluateRaw(Tensor x, Tensor? sigma = null)
    {
        var seq = AsSequence(x);
        if (Config.NoiseConditioned && sigma is null)
        {
            throw new ArgumentNullException(nameof(sigma), "This field is noise-conditioned: σ is required.");
        }

        using var scope = NewDisposeScope();
        if (Config.ScaleInput && Config.NoiseConditioned)
        {
            // c_in(σ) = 1/√(σ_d² + σ²), per sample ([B] or [1] → [·, 1, 1]).
            var s2 = SigmaColumn(sigma!, x).pow(Scalars.Two);
            var cIn = s2.add(Scalars.Shared(Config.InputScaleDataStd * Config.InputScaleDataStd), Scalars.One).rsqrt();
            seq = seq.mul(cIn.reshape(cIn.shape[0], 1, 1));
        }

        var h = input_proj.forward(seq).add(tables.Positions.to(seq.dtype, seq.device), Scalars.One);
        if (sigma_in is not null && sigma_out is not null)
        {
            var s = SigmaColumn(sigma!, x);
            var features = Sinusoidal(s.clamp_min(sigmaFloor).log().unsqueeze(1), Config.Hidden);
            var context = sigma_out.forward(nn.functional.gelu(sigma_in.forward(features)));   // [B or 1, H]
            h = h.add(context.unsqueeze(1), Scalars.One);
        }

        var m = tables.Mask?.to(seq.device);
        foreach (var block in blocks)
        {
            h = block.forward(h, m);
        }

        return out_proj.forward(LayerNorms.Apply(out_norm, h)).reshape(x.shape).MoveToOuterDisposeScope();
    }

    /// <summary>Frees the position table and mask.</summary>
    /// <param name="disposing">True from Dispose.</param>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            tables.Positions.Dispose();
            tables.Mask?.Dispose();
        }

        base.Dispose(disposing);
    }

    // [N, 1] values → [N, H] = [sin(v·freq), cos(v·freq)] (zero column appended for odd H).
    private static Tensor Sinusoidal(Tensor values, int width)
    {
        int half = width / 2;
        var k = TorchOps.Arange(0, half, values.dtype, values.device);
        var freqs = k.mul(Scalars.Shared(-Math.Log(10000.0) / Math.Max(half - 1, 1))).exp();
        var arg = values.mul(freqs.unsqueeze(0));
        var emb = cat([arg.sin(), arg.cos()], 1);
        return width % 2 == 1 ? nn.functional.pad(emb, [0, 1]) : emb;
    }

    private Tensor AsSequence(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        long t = Config.SequenceLength, c = Config.Features;
        bool ok = (x.dim() == 3 && x.shape[1] == t && x.shape[2] == c) || (x.dim() == 2 && x.shape[1] == t * c);
        if (!ok || x.shape[0] < 1)
        {
            throw new ArgumentException(
                $"x has shape [{string.Join(", ", x.shape)}]; expected [B, {t}, {c}] or [B, {t * c}].", nameof(x));
        }

        return x.reshape(x.shape[0], t, c);
    }

    // σ as a 1-D tensor [1] or [B] in x's dtype/device.
    private static Tensor SigmaColumn(Tensor sigma, Tensor x)
    {
        long n = sigma.numel();
        if (n != 1 && n != x.shape[0])
        {
            throw new ArgumentException(
                $"sigma has {n} elements; expected 1 or B = {x.shape[0]}.", nameof(sigma));
        }

        return sigma.to(x.dtype, x.device).reshape(n);
    }

    private static long[] SigmaShape(Tensor x, Tensor s) =>
        [s.shape[0], .. Enumerable.Repeat(1L, (int)x.dim() - 1)];

    private sealed record Tables(Tensor Positions, Tensor? Mask);
}
