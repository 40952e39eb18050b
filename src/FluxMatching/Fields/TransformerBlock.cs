namespace FluxMatching.Fields;

using FluxMatching.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

/// <summary>
/// One pre-LN transformer block of <see cref="TransformerField"/> (exp5's <c>AttentionBlock</c>):
/// x ← x + W_o·MHA(LN(x)) with qkv = Linear(H → 3H), heads of width H/heads, logits q·kᵀ/√(H/heads) and an optional
/// boolean mask (true = blocked, filled with −∞); then x ← x + MLP(LN(x)) with MLP = Linear(H → rH) → GELU →
/// Linear(rH → H). No dropout. Input and output [B, T, H].
/// </summary>
public sealed class TransformerBlock : nn.Module<Tensor, Tensor?, Tensor>
{
    private readonly LayerNorm norm1;
    private readonly Linear qkv;
    private readonly Linear @out;
    private readonly LayerNorm norm2;
    private readonly Linear mlp_in;
    private readonly Linear mlp_out;
    private readonly int heads;
    private readonly int headDim;
    private readonly Scalar invScale;
    private readonly Scalar minusInf = double.NegativeInfinity.ToScalar();

    /// <summary>Creates the block with PyTorch's default initialisation.</summary>
    /// <param name="hidden">Width H (divisible by <paramref name="heads"/>).</param>
    /// <param name="heads">Number of heads ≥ 1.</param>
    /// <param name="mlpRatio">MLP expansion ≥ 1.</param>
    /// <param name="name">Module name.</param>
    public TransformerBlock(int hidden, int heads, int mlpRatio = 4, string name = "block") : base(name)
    {
        if (heads < 1 || hidden % heads != 0)
        {
            throw new ArgumentException($"hidden = {hidden} must be divisible by heads = {heads} ≥ 1.", nameof(heads));
        }

        if (mlpRatio < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(mlpRatio), mlpRatio, "mlpRatio must be ≥ 1.");
        }

        this.heads = heads;
        headDim = hidden / heads;
        invScale = (1.0 / Math.Sqrt(headDim)).ToScalar();
        norm1 = nn.LayerNorm(hidden);
        qkv = nn.Linear(hidden, 3 * hidden);
        @out = nn.Linear(hidden, hidden);
        norm2 = nn.LayerNorm(hidden);
        mlp_in = nn.Linear(hidden, mlpRatio * hidden);
        mlp_out = nn.Linear(mlpRatio * hidden, hidden);
        RegisterComponents();
    }

    /// <summary>Applies the block.</summary>
    /// <param name="x">Hidden states [B, T, H].</param>
    /// <param name="mask">Optional boolean mask [T, T] (true entries are blocked), e.g. triu(ones, 1).</param>
    /// <returns>[B, T, H].</returns>
    public override Tensor forward(Tensor x, Tensor? mask)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], t = x.shape[1], c = x.shape[2];
        var h = LayerNorms.Apply(norm1, x);
        var packed = qkv.forward(h).reshape(b, t, 3, heads, headDim).permute(2, 0, 3, 1, 4); // [3, B, heads, T, d]
        var q = packed[0];
        var k = packed[1];
        var v = packed[2];
        var logits = q.matmul(k.transpose(-2, -1)).mul(invScale);                           // [B, heads, T, T]
        if (mask is not null)
        {
            logits = logits.masked_fill(mask.view(1, 1, t, t), minusInf);
        }

        var attention = logits.softmax(-1).matmul(v).transpose(1, 2).reshape(b, t, c);
        var y = x.add(@out.forward(attention), Scalars.One);
        var m = mlp_out.forward(nn.functional.gelu(mlp_in.forward(LayerNorms.Apply(norm2, y))));
        return y.add(m, Scalars.One).MoveToOuterDisposeScope();
    }
}
