namespace FluxMatching.Runtime;

using System.Runtime.InteropServices;
using static TorchSharp.torch;

/// <summary>
/// The first and last layers of a first-order MLP pass when the field's input and output are narrow (a low-dimensional
/// field: 2 or 3 inputs into H hidden units, H hidden units out to D = 2), each fused with the element-wise work around
/// it so that a [B, H] array is read once instead of three or four times (float32, CPU, rows split across
/// <see cref="KernelThreads"/> workers with one set of accumulators each):
/// <list type="bullet">
/// <item><see cref="FirstLayer"/>: a = silu(x W₀ᵀ + b₀) and s = silu'(x W₀ᵀ + b₀), without h.</item>
/// <item><see cref="OutputBackward"/>: from δ_L = ∂ℓ/∂f (given, or for DSM's mean squared residual δ_L = c(f + y) with
/// f = a W_Lᵀ + b_L computed in the same pass, returning Σ (f + y)²): ∂W_L = δ_Lᵀ a, ∂b_L = Σ δ_L,
/// δ_{L−1} = (δ_L W_L) ⊙ s and its column sums ∂b_{L−1}.</item>
/// <item><see cref="ScaleRows"/>: δ ← δ ⊙ s in place with the column sums ∂b.</item>
/// <item><see cref="InputWeightGradient"/>: ∂W₀ = δ₀ᵀ x [H, K] for a narrow x.</item>
/// </list>
/// Same values as the tensor expressions up to float32 rounding (tested against autograd).
/// </summary>
internal static unsafe partial class EdgeLayers
{
    /// <summary>Input widths below this take <see cref="FirstLayer"/> and <see cref="InputWeightGradient"/>.</summary>
    public const int MaxInput = 8;

    /// <summary>Output widths up to this take <see cref="OutputBackward"/>.</summary>
    public const int MaxOutput = 16;

    private const long ParallelWork = 1L << 16;

    /// <summary>Whether an MLP takes the fused edge layers: at least one hidden layer, an input narrower than
    /// <see cref="MaxInput"/> and an output at most <see cref="MaxOutput"/> wide.</summary>
    /// <param name="linearLayers">Number of linear layers.</param>
    /// <param name="inputWidth">The first layer's input width K.</param>
    /// <param name="outputWidth">The last layer's output width D.</param>
    public static bool Fit(int linearLayers, long inputWidth, long outputWidth) =>
        linearLayers >= 2 && inputWidth < MaxInput && outputWidth <= MaxOutput;

    /// <summary>a = silu(x Wᵀ + b), s = silu'(x Wᵀ + b).</summary>
    /// <param name="x">x [B, K], K &lt; <see cref="MaxInput"/>.</param>
    /// <param name="weight">W [H, K].</param>
    /// <param name="bias">b [H].</param>
    /// <param name="a">Output a [B, H].</param>
    /// <param name="s">Output s [B, H].</param>
    public static void FirstLayer(Tensor x, Tensor weight, Tensor bias, Tensor a, Tensor s)
    {
        int k = (int)x.size(1), h = (int)weight.size(0);
        float* wt = (float*)NativeMemory.Alloc((nuint)(k * h), sizeof(float));
        try
        {
            float* w = TensorMemory.Pointer<float>(weight);
            for (int j = 0; j < h; j++)
            {
                for (int q = 0; q < k; q++)
                {
                    wt[(q * h) + j] = w[(j * k) + q];   // [K, H]: each input's column of W contiguous
                }
            }

            float* px = TensorMemory.Pointer<float>(x), pb = TensorMemory.Pointer<float>(bias);
            float* pa = TensorMemory.Pointer<float>(a), ps = TensorMemory.Pointer<float>(s);
            Split((int)x.size(0), h, 0, (i0, i1, _) =>
            {
                if (Isa.Wide)
                {
                    FirstLayerRows<Simd512F>(px, wt, pb, pa, ps, k, h, i0, i1);
                }
                else
                {
                    FirstLayerRows<Simd256F>(px, wt, pb, pa, ps, k, h, i0, i1);
                }
            });
        }
        finally
        {
            NativeMemory.Free(wt);
        }
    }

    /// <summary>The output layer's backward (see the class summary). With <paramref name="offset"/> the pass computes
    /// f = a W_Lᵀ + b_L and δ_L = <paramref name="scale"/>·(f + y) itself and returns Σ (f + y)²; otherwise it reads
    /// δ_L from <paramref name="delta"/> and returns 0.</summary>
    /// <param name="a">a_{L−1} [B, H].</param>
    /// <param name="s">silu'(h_{L−1}) [B, H].</param>
    /// <param name="weight">W_L [D, H], D ≤ <see cref="MaxOutput"/>.</param>
    /// <param name="bias">b_L [D] (needed only with <paramref name="offset"/>).</param>
    /// <param name="delta">δ_L [B, D] when <paramref name="offset"/> is null.</param>
    /// <param name="offset">y [B, D] for the squared residual, else null.</param>
    /// <param name="scale">c in δ_L = c(f + y).</param>
    /// <param name="weightGrad">Output ∂W_L [D, H].</param>
    /// <param name="biasGrad">Output ∂b_L [D].</param>
    /// <param name="previous">Output δ_{L−1} [B, H].</param>
    /// <param name="previousBiasGrad">Output ∂b_{L−1} [H].</param>
    public static double OutputBackward(Tensor a, Tensor s, Tensor weight, Tensor? bias, Tensor? delta, Tensor? offset,
        float scale, Tensor weightGrad, Tensor biasGrad, Tensor previous, Tensor previousBiasGrad)
    {
        int d = (int)weight.size(0), h = (int)weight.size(1), width = (d * h) + d + h + 1;
        var args = new OutputArgs(TensorMemory.Pointer<float>(a), TensorMemory.Pointer<float>(s),
            TensorMemory.Pointer<float>(weight), bias is null ? null : TensorMemory.Pointer<float>(bias),
            delta is null ? null : TensorMemory.Pointer<float>(delta), offset is null ? null : TensorMemory.Pointer<float>(offset),
            TensorMemory.Pointer<float>(previous), scale, d, h);
        float* sums = Split((int)a.size(0), h * (d + 2), width, (i0, i1, acc) =>
        {
            if (Isa.Wide)
            {
                OutputRows<Simd512F>(args, acc, i0, i1);
            }
            else
            {
                OutputRows<Simd256F>(args, acc, i0, i1);
            }
        });
        try
        {
            Copy(sums, TensorMemory.Pointer<float>(weightGrad), d * h);
            Copy(sums + (d * h), TensorMemory.Pointer<float>(biasGrad), d);
            Copy(sums + (d * h) + d, TensorMemory.Pointer<float>(previousBiasGrad), h);
            return sums[width - 1];
        }
        finally
        {
            NativeMemory.Free(sums);
        }
    }

    /// <summary>δ ← δ ⊙ s in place; ∂b = Σ_B δ (after scaling).</summary>
    /// <param name="delta">δ [B, H] (overwritten).</param>
    /// <param name="s">s [B, H].</param>
    /// <param name="biasGrad">Output ∂b [H].</param>
    public static void ScaleRows(Tensor delta, Tensor s, Tensor biasGrad)
    {
        int h = (int)delta.size(1);
        float* pd = TensorMemory.Pointer<float>(delta), ps = TensorMemory.Pointer<float>(s);
        float* sums = Split((int)delta.size(0), h, h, (i0, i1, acc) =>
        {
            if (Isa.Wide)
            {
                ScaleRowsRange<Simd512F>(pd, ps, acc, h, i0, i1);
            }
            else
            {
                ScaleRowsRange<Simd256F>(pd, ps, acc, h, i0, i1);
            }
        });
        Copy(sums, TensorMemory.Pointer<float>(biasGrad), h);
        NativeMemory.Free(sums);
    }

    /// <summary>∂W₀ = δ₀ᵀ x [H, K] for x [B, K], K &lt; <see cref="MaxInput"/>.</summary>
    /// <param name="delta">δ₀ [B, H].</param>
    /// <param name="x">x [B, K].</param>
    /// <param name="weightGrad">Output ∂W₀ [H, K].</param>
    public static void InputWeightGradient(Tensor delta, Tensor x, Tensor weightGrad)
    {
        int h = (int)delta.size(1), k = (int)x.size(1);
        float* pd = TensorMemory.Pointer<float>(delta), px = TensorMemory.Pointer<float>(x);
        float* sums = Split((int)delta.size(0), h * k, h * k, (i0, i1, acc) =>
        {
            if (Isa.Wide)
            {
                InputGradientRows<Simd512F>(pd, px, acc, h, k, i0, i1);
            }
            else
            {
                InputGradientRows<Simd256F>(pd, px, acc, h, k, i0, i1);
            }
        });
        float* g = TensorMemory.Pointer<float>(weightGrad);
        for (int j = 0; j < h; j++)
        {
            for (int q = 0; q < k; q++)
            {
                g[(j * k) + q] = sums[(q * h) + j];
            }
        }

        NativeMemory.Free(sums);
    }

    /// <summary>Runs <paramref name="body"/> over row ranges (a few per worker, claimed one at a time), each range with
    /// <paramref name="width"/> zeroed float accumulators; returns their sum (caller frees it; null when
    /// <paramref name="width"/> is 0).</summary>
    private static float* Split(int rows, long workPerRow, int width, Action<int, int, IntPtr> body)
    {
        int threads = Math.Max(1, Math.Min(KernelThreads.Count, rows / 64));
        if ((long)rows * workPerRow < ParallelWork)
        {
            threads = 1;
        }

        int items = threads == 1 ? 1 : Math.Min(4 * threads, Math.Max(threads, rows / 32));   // claimed one at a time
        float* acc = width == 0 ? null : (float*)NativeMemory.AllocZeroed((nuint)((long)items * width), sizeof(float));
        if (items == 1)
        {
            body(0, rows, (IntPtr)acc);
            return acc;
        }

        int chunk = (rows + items - 1) / items;
        KernelPool.ForEach(threads, items, t => body(Math.Min(rows, t * chunk), Math.Min(rows, (t + 1) * chunk), (IntPtr)(acc + ((long)t * width))));
        for (int t = 1; t < items; t++)
        {
            float* part = acc + ((long)t * width);
            for (int j = 0; j < width; j++)
            {
                acc[j] += part[j];
            }
        }

        return acc;
    }

    private static void Copy(float* from, float* to, int n) =>
        new ReadOnlySpan<float>(from, n).CopyTo(new Span<float>(to, n));

    private readonly struct OutputArgs(float* a, float* s, float* w, float* bias, float* delta, float* offset,
        float* previous, float scale, int d, int h)
    {
        public readonly float* A = a, S = s, W = w, Bias = bias, Delta = delta, Offset = offset, Previous = previous;
        public readonly float Scale = scale;
        public readonly int D = d, H = h;
    }
}
