namespace FluxMatching.Runtime;

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

/// <summary>The edge layers of the flux loss's closed-form end-point terms (forward-over-reverse through an MLP,
/// <c>MlpField.HutchinsonTerms</c>), primal and tangent rows together, for a narrow input and output.</summary>
internal static unsafe partial class EdgeLayers
{
    /// <summary>
    /// The first layer with its tangent along the probe p: h = z W_zᵀ + σ w_σ + b and ḣ = p W_zᵀ (W_z: the first D
    /// columns of W, w_σ its σ column for a noise-conditioned field), then silu: a = silu(h), ȧ = silu'(h) ḣ,
    /// s = silu'(h), κ = silu''(h) ḣ, without h, ḣ or the concatenated input.
    /// </summary>
    /// <param name="z">Points z [B, D].</param>
    /// <param name="sigma">σ for a noise-conditioned field (W has D + 1 columns), else null.</param>
    /// <param name="probe">Probe p [B, D].</param>
    /// <param name="weight">W [H, D] or [H, D + 1].</param>
    /// <param name="bias">b [H].</param>
    /// <param name="a">Output a [B, H].</param>
    /// <param name="aTangent">Output ȧ [B, H].</param>
    /// <param name="s">Output s [B, H].</param>
    /// <param name="curvature">Output κ [B, H].</param>
    public static void FirstLayerTangent(Tensor z, double? sigma, Tensor probe, Tensor weight, Tensor bias, Tensor a,
        Tensor aTangent, Tensor s, Tensor curvature)
    {
        int d = (int)z.size(1), k = (int)weight.size(1), h = (int)weight.size(0);
        float* wt = (float*)NativeMemory.Alloc((nuint)((d + 1) * h), sizeof(float));   // [D, H] then the bias row
        try
        {
            float* w = TensorMemory.Pointer<float>(weight), pb = TensorMemory.Pointer<float>(bias);
            for (int j = 0; j < h; j++)
            {
                for (int q = 0; q < d; q++)
                {
                    wt[(q * h) + j] = w[(j * k) + q];
                }

                wt[(d * h) + j] = pb[j] + (sigma is { } sg ? (float)sg * w[(j * k) + d] : 0f);   // b + σ w_σ
            }

            var args = new TangentArgs(TensorMemory.Pointer<float>(z), TensorMemory.Pointer<float>(probe), wt,
                TensorMemory.Pointer<float>(a), TensorMemory.Pointer<float>(aTangent), TensorMemory.Pointer<float>(s),
                TensorMemory.Pointer<float>(curvature), d, h);
            Split((int)z.size(0), 4 * h, 0, (i0, i1, _) =>
            {
                if (Isa.Wide)
                {
                    FirstTangentRows<Simd512F>(args, i0, i1);
                }
                else
                {
                    FirstTangentRows<Simd256F>(args, i0, i1);
                }
            });
        }
        finally
        {
            NativeMemory.Free(wt);
        }
    }

    /// <summary>
    /// The output layer and the reverse pass's first step: f = a W_Lᵀ + b_L, the adjoints ā = c W_L and ǡ = p W_L,
    /// pᵀ∇f p = Σ ǡ ⊙ ȧ, then through the last hidden silu h̄ = ā ⊙ s + ǡ ⊙ κ and ḣ̄ = ǡ ⊙ s.
    /// </summary>
    /// <param name="a">a [B, H].</param>
    /// <param name="aTangent">ȧ [B, H].</param>
    /// <param name="s">s [B, H].</param>
    /// <param name="curvature">κ [B, H].</param>
    /// <param name="weight">W_L [D, H].</param>
    /// <param name="bias">b_L [D].</param>
    /// <param name="c">The co-vector c [B, D].</param>
    /// <param name="probe">p [B, D].</param>
    /// <param name="f">Output f [B, D].</param>
    /// <param name="quadratic">Output pᵀ∇f p [B].</param>
    /// <param name="hBar">Output h̄ [B, H].</param>
    /// <param name="tangentBar">Output ḣ̄ [B, H], or null when not needed (the first layer).</param>
    public static void OutputTangent(Tensor a, Tensor aTangent, Tensor s, Tensor curvature, Tensor weight, Tensor bias,
        Tensor c, Tensor probe, Tensor f, Tensor quadratic, Tensor hBar, Tensor? tangentBar)
    {
        var args = new ReverseArgs(TensorMemory.Pointer<float>(a), TensorMemory.Pointer<float>(aTangent),
            TensorMemory.Pointer<float>(s), TensorMemory.Pointer<float>(curvature), TensorMemory.Pointer<float>(weight),
            TensorMemory.Pointer<float>(bias), TensorMemory.Pointer<float>(c), TensorMemory.Pointer<float>(probe),
            TensorMemory.Pointer<float>(f), TensorMemory.Pointer<float>(quadratic), TensorMemory.Pointer<float>(hBar),
            tangentBar is null ? null : TensorMemory.Pointer<float>(tangentBar), (int)weight.size(0), (int)weight.size(1));
        Split((int)a.size(0), 6 * weight.size(1), 0, (i0, i1, _) =>
        {
            if (Isa.Wide)
            {
                ReverseRows<Simd512F>(args, i0, i1);
            }
            else
            {
                ReverseRows<Simd256F>(args, i0, i1);
            }
        });
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FirstTangentRows<TV>(in TangentArgs p, int i0, int i1)
        where TV : unmanaged, ISimd<TV, float>
    {
        var one = TV.Broadcast(1f);
        var two = TV.Broadcast(2f);
        int d = p.D, h = p.H, full = h - (h % TV.Count);
        for (int i = i0; i < i1; i++)
        {
            float* zi = p.Z + ((long)i * d), pi = p.Probe + ((long)i * d);
            long row = (long)i * h;
            for (int j = 0; j < full; j += TV.Count)
            {
                var x = TV.Load(p.Wt + (d * h) + j);
                var t = TV.Zero;
                for (int q = 0; q < d; q++)
                {
                    var wq = TV.Load(p.Wt + (q * h) + j);
                    x = TV.MultiplyAdd(TV.Broadcast(zi[q]), wq, x);
                    t = TV.MultiplyAdd(TV.Broadcast(pi[q]), wq, t);
                }

                var sig = one / (one + TV.ExpBounded(-x));
                var rest = one - sig;
                var slope = sig * (one + (x * rest));
                TV.Store(p.A + row + j, x * sig);
                TV.Store(p.ATangent + row + j, slope * t);
                TV.Store(p.S + row + j, slope);
                TV.Store(p.Curvature + row + j, sig * rest * (two + (x * (rest - sig))) * t);
            }

            for (int j = full; j < h; j++)
            {
                float x = p.Wt[(d * h) + j], t = 0f;
                for (int q = 0; q < d; q++)
                {
                    x += zi[q] * p.Wt[(q * h) + j];
                    t += pi[q] * p.Wt[(q * h) + j];
                }

                float sig = 1f / (1f + MathF.Exp(-x)), rest = 1f - sig, slope = sig * (1f + (x * rest));
                p.A[row + j] = x * sig;
                p.ATangent[row + j] = slope * t;
                p.S[row + j] = slope;
                p.Curvature[row + j] = sig * rest * (2f + (x * (rest - sig))) * t;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ReverseRows<TV>(in ReverseArgs p, int i0, int i1)
        where TV : unmanaged, ISimd<TV, float>
    {
        int d = p.D, h = p.H, full = h - (h % TV.Count);
        for (int i = i0; i < i1; i++)
        {
            long row = (long)i * h;
            float* ai = p.A + row, ci = p.C + ((long)i * d), pi = p.Probe + ((long)i * d);
            for (int o = 0; o < d; o++)
            {
                p.F[((long)i * d) + o] = Dot<TV>(ai, p.W + (o * h), h) + p.Bias[o];
            }

            var q = TV.Zero;
            for (int j = 0; j < full; j += TV.Count)
            {
                var adjoint = TV.Zero;
                var tangentAdjoint = TV.Zero;
                for (int o = 0; o < d; o++)
                {
                    var w = TV.Load(p.W + (o * h) + j);
                    adjoint = TV.MultiplyAdd(TV.Broadcast(ci[o]), w, adjoint);
                    tangentAdjoint = TV.MultiplyAdd(TV.Broadcast(pi[o]), w, tangentAdjoint);
                }

                var slope = TV.Load(p.S + row + j);
                q = TV.MultiplyAdd(tangentAdjoint, TV.Load(p.ATangent + row + j), q);
                TV.Store(p.HBar + row + j, (adjoint * slope) + (tangentAdjoint * TV.Load(p.Curvature + row + j)));
                if (p.TangentBar != null)
                {
                    TV.Store(p.TangentBar + row + j, tangentAdjoint * slope);
                }
            }

            float quad = TV.Sum(q);
            for (int j = full; j < h; j++)
            {
                float adjoint = 0f, tangentAdjoint = 0f;
                for (int o = 0; o < d; o++)
                {
                    adjoint += ci[o] * p.W[(o * h) + j];
                    tangentAdjoint += pi[o] * p.W[(o * h) + j];
                }

                quad += tangentAdjoint * p.ATangent[row + j];
                p.HBar[row + j] = (adjoint * p.S[row + j]) + (tangentAdjoint * p.Curvature[row + j]);
                if (p.TangentBar != null)
                {
                    p.TangentBar[row + j] = tangentAdjoint * p.S[row + j];
                }
            }

            p.Quadratic[i] = quad;
        }
    }

    private readonly struct TangentArgs(float* z, float* probe, float* wt, float* a, float* aTangent, float* s,
        float* curvature, int d, int h)
    {
        public readonly float* Z = z, Probe = probe, Wt = wt, A = a, ATangent = aTangent, S = s, Curvature = curvature;
        public readonly int D = d, H = h;
    }

    private readonly struct ReverseArgs(float* a, float* aTangent, float* s, float* curvature, float* w, float* bias,
        float* c, float* probe, float* f, float* quadratic, float* hBar, float* tangentBar, int d, int h)
    {
        public readonly float* A = a, ATangent = aTangent, S = s, Curvature = curvature, W = w, Bias = bias, C = c;
        public readonly float* Probe = probe, F = f, Quadratic = quadratic, HBar = hBar, TangentBar = tangentBar;
        public readonly int D = d, H = h;
    }
}
