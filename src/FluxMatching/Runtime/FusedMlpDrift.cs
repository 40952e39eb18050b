namespace FluxMatching.Runtime;

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// The samplers' update x ← x + a·f(x; σ) + b·ξ for a float32 MLP drift with a thin input and output (D ≤ 16) on
/// the CPU (512-bit or 256-bit registers, as <see cref="Isa"/> chose when the plan was made), in one pass per tile
/// of 8 chains: the first layer and its SiLU, every hidden product (the packed
/// kernel, SiLU in registers) and the thin output layer run on activations that stay in L1, so no activation matrix
/// is written and no libtorch call is made per step. The weights are copied and packed once per sampling run (they
/// are fixed while the samplers run under no_grad). Same values as <c>MlpField.Infer</c> up to float32 rounding.
/// </summary>
internal sealed unsafe class FusedMlpDrift : IDisposable
{
    private const int Panel = PackedGemm.Panel;
    private const int TileRows = PackedGemm.TileRows;

    private readonly int dimension;
    private readonly int[] widths;       // hidden widths H_0 … H_{L−2}
    private readonly int[] strides;      // scratch row strides: widths rounded up to whole panels
    private readonly int wide;           // the largest stride (scratch rows)
    private readonly bool wideRegisters; // 512-bit registers (else 256-bit)
    private readonly float* firstT;      // [D, stride_0]: first weight transposed (x part), zero-padded
    private readonly float* firstBias;   // [stride_0]
    private readonly float* sigmaColumn; // [stride_0]: the first weight's σ column, or null
    private readonly float*[] packed;    // per hidden product l = 1 … L−2: panels of Wᵀ, [panels, H_{l−1}, 32]
    private readonly float*[] biasPanels; // per hidden product: [panels, 32]
    private readonly float* outPanels;   // [panels of H_{L−2}, D, 32]: output weight, zero-padded
    private readonly float* outBias;     // [D]
    private readonly List<nint> blocks = [];

    private FusedMlpDrift(IReadOnlyList<Tensor> weights, IReadOnlyList<Tensor> biases, bool noiseConditioned)
    {
        int layers = weights.Count;
        dimension = (int)weights[^1].size(0);
        widths = new int[layers - 1];
        strides = new int[layers - 1];
        for (int l = 0; l < layers - 1; l++)
        {
            widths[l] = (int)weights[l].size(0);
            strides[l] = (widths[l] + Panel - 1) / Panel * Panel;
        }

        wide = strides.Max();
        wideRegisters = Isa.Wide;

        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var w0 = Host(weights[0]);
        firstT = Alloc((long)dimension * strides[0]);
        firstBias = Alloc(strides[0]);
        sigmaColumn = noiseConditioned ? Alloc(strides[0]) : null;
        float* b0 = Host(biases[0]);
        int inputs = (int)weights[0].size(1);
        for (int j = 0; j < widths[0]; j++)
        {
            for (int q = 0; q < dimension; q++)
            {
                firstT[((long)q * strides[0]) + j] = w0[((long)j * inputs) + q];
            }

            firstBias[j] = b0[j];
            if (noiseConditioned)
            {
                sigmaColumn[j] = w0[((long)j * inputs) + dimension];
            }
        }

        packed = new float*[layers - 2];
        biasPanels = new float*[layers - 2];
        for (int l = 1; l < layers - 1; l++)
        {
            int k = widths[l - 1], n = widths[l], panels = strides[l] / Panel;
            float* w = Host(weights[l]);
            float* b = Host(biases[l]);
            packed[l - 1] = Alloc((long)panels * k * Panel);
            biasPanels[l - 1] = Alloc((long)panels * Panel);
            for (int p = 0; p < panels; p++)
            {
                int j0 = p * Panel, width = Math.Min(Panel, n - j0);
                PackedGemm.PackTransposed(w, k, j0, width, packed[l - 1] + ((long)p * k * Panel));
                for (int j = 0; j < width; j++)
                {
                    biasPanels[l - 1][j0 + j] = b[j0 + j];
                }
            }
        }

        int last = widths[^1];
        float* wo = Host(weights[^1]);
        outPanels = Alloc((long)strides[^1] * dimension);
        for (int p = 0; p < strides[^1] / Panel; p++)
        {
            for (int q = 0; q < dimension; q++)
            {
                for (int j = 0; j < Panel && (p * Panel) + j < last; j++)
                {
                    outPanels[(((long)p * dimension) + q) * Panel + j] = wo[((long)q * last) + (p * Panel) + j];
                }
            }
        }

        outBias = Alloc(dimension);
        new ReadOnlySpan<float>(Host(biases[^1]), dimension).CopyTo(new Span<float>(outBias, dimension));

        float* Host(Tensor t)
        {
            var c = t.detach().contiguous();
            if (!TensorMemory.IsDirect<float>(c))
            {
                throw new ArgumentException("FusedMlpDrift needs float32 CPU weights.", nameof(weights));
            }

            return TensorMemory.Pointer<float>(c);
        }
    }

    /// <summary>Data dimension D.</summary>
    public int Dimension => dimension;

    /// <summary>A plan for these layers, or null when the fused pass does not apply (float32 CPU weights, at least
    /// two hidden layers, thin input and output, the packed kernel enabled and an instruction set for it).</summary>
    /// <param name="weights">Linear weights [H_0, D (+1)], [H_1, H_0], …, [D, H_{L−2}].</param>
    /// <param name="biases">Linear biases, one per weight.</param>
    /// <param name="noiseConditioned">Whether the first layer's last input column takes σ.</param>
    public static FusedMlpDrift? TryCreate(IReadOnlyList<Tensor> weights, IReadOnlyList<Tensor> biases,
        bool noiseConditioned)
    {
        if (!PackedGemm.Enabled || !PackedGemm.Supported || weights.Count < 3 || biases.Count != weights.Count
            || weights.Any(w => w.dtype != ScalarType.Float32 || w.device_type != DeviceType.CPU || w.dim() != 2)
            || biases.Any(b => b is null || b.dtype != ScalarType.Float32 || b.device_type != DeviceType.CPU))
        {
            return null;
        }

        long d = weights[^1].size(0);
        return d <= PackedGemm.MaxThinOutput && d >= 1 && weights[0].size(1) == d + (noiseConditioned ? 1 : 0)
            ? new FusedMlpDrift(weights, biases, noiseConditioned)
            : null;
    }

    /// <summary>Scratch memory for <see cref="Step"/> on one thread (reuse it across steps: a fresh allocation per
    /// step costs page faults).</summary>
    /// <returns>The workspace; dispose it after the last step.</returns>
    public Workspace NewWorkspace() =>
        new((2L * TileRows * wide) + (TileRows * Panel) + (TileRows * dimension * Vector512<float>.Count)
            + strides[0]);

    /// <summary>x[r] ← x[r] + a·f(x[r]; σ) + b·ξ[r] for <paramref name="rows"/> chains.</summary>
    /// <param name="workspace">Scratch from <see cref="NewWorkspace"/>, used by one thread at a time.</param>
    /// <param name="x">Chain states [rows, D], row-major; updated in place.</param>
    /// <param name="xi">Noise ξ [rows, D].</param>
    /// <param name="rows">Number of chains.</param>
    /// <param name="a">Drift factor a.</param>
    /// <param name="b">Noise factor b.</param>
    /// <param name="sigma">σ for a noise-conditioned field (ignored otherwise).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Step(Workspace workspace, float* x, float* xi, long rows, float a, float b, float sigma)
    {
        float* h0 = workspace.Pointer, h1 = h0 + (TileRows * wide), tile = h1 + (TileRows * wide);
        var acc = tile + (TileRows * Panel);
        float* bias = acc + (TileRows * dimension * Vector512<float>.Count);
        for (int j = 0; j < strides[0]; j++)
        {
            bias[j] = sigmaColumn is null ? firstBias[j] : firstBias[j] + (sigma * sigmaColumn[j]);
        }

        new Span<float>(h0, 2 * TileRows * wide).Clear();   // rows past a partial tile stay finite
        for (long i = 0; i < rows; i += TileRows)
        {
            int r = (int)Math.Min(TileRows, rows - i);
            if (wideRegisters)
            {
                Tile<Simd512F>(x + (i * dimension), xi + (i * dimension), r, a, b, bias, h0, h1, tile, (Simd512F*)acc);
            }
            else
            {
                Tile<Simd256F>(x + (i * dimension), xi + (i * dimension), r, a, b, bias, h0, h1, tile, (Simd256F*)acc);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var p in blocks)
        {
            NativeMemory.AlignedFree((void*)p);
        }

        blocks.Clear();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Tile<TV>(float* x, float* xi, int rows, float a, float b, float* bias, float* h, float* next,
        float* tile, TV* acc8)
        where TV : unmanaged, ISimd<TV, float>
    {
        int lanes = TV.Count;
        int d = dimension, s0 = strides[0];
        for (int r = 0; r < rows; r++)
        {
            float* hr = h + (r * s0);
            if (d == 2)
            {
                // The 2-D toys: both inputs broadcast once per row.
                var x0 = TV.Broadcast(x[2 * r]);
                var x1 = TV.Broadcast(x[(2 * r) + 1]);
                for (int j = 0; j < s0; j += lanes)
                {
                    var acc = TV.MultiplyAdd(x1, TV.Load(firstT + s0 + j), TV.Load(bias + j));
                    TV.Store(hr + j, TV.Silu(TV.MultiplyAdd(x0, TV.Load(firstT + j), acc)));
                }

                continue;
            }

            for (int j = 0; j < s0; j += lanes)
            {
                var acc = TV.Load(bias + j);
                for (int q = 0; q < d; q++)
                {
                    acc = TV.MultiplyAdd(TV.Broadcast(x[(r * d) + q]), TV.Load(firstT + ((long)q * s0) + j), acc);
                }

                TV.Store(hr + j, TV.Silu(acc));
            }
        }

        int ld = s0;
        for (int l = 1; l < widths.Length - 1; l++)
        {
            for (int p = 0; p < strides[l] / Panel; p++)
            {
                PackedGemm.Kernel8(wideRegisters, widths[l - 1], h, ld, packed[l - 1] + ((long)p * widths[l - 1] * Panel),
                    biasPanels[l - 1] + (p * Panel), silu: true, next + (p * Panel), strides[l]);
            }

            float* swap = h;
            h = next;
            next = swap;
            ld = strides[l];
        }

        for (int q = 0; q < rows * d; q++)
        {
            acc8[q] = TV.Zero;
        }

        int lastLayer = widths.Length - 1, lastK = widths[lastLayer - 1];
        for (int p = 0; p < strides[lastLayer] / Panel; p++)
        {
            PackedGemm.Kernel8(wideRegisters, lastK, h, ld, packed[lastLayer - 1] + ((long)p * lastK * Panel),
                biasPanels[lastLayer - 1] + (p * Panel), silu: true, tile, Panel);
            for (int q = 0; q < d; q++)
            {
                float* wo = outPanels + ((((long)p * d) + q) * Panel);
                for (int r = 0; r < rows; r++)
                {
                    float* t = tile + (r * Panel);
                    var sum = acc8[(r * d) + q];
                    for (int j = 0; j < Panel; j += lanes)
                    {
                        sum = TV.MultiplyAdd(TV.Load(t + j), TV.Load(wo + j), sum);
                    }

                    acc8[(r * d) + q] = sum;
                }
            }
        }

        for (int r = 0; r < rows; r++)
        {
            for (int q = 0; q < d; q++)
            {
                int e = (r * d) + q;
                float f = outBias[q] + TV.Sum(acc8[e]);
                x[e] = x[e] + (a * f) + (b * xi[e]);
            }
        }
    }

    private float* Alloc(long floats)
    {
        var p = (float*)NativeMemory.AlignedAlloc((nuint)(Math.Max(1, floats) * sizeof(float)), 64);
        new Span<float>(p, (int)floats).Clear();
        blocks.Add((nint)p);
        return p;
    }

    /// <summary>64-byte aligned scratch memory of one thread's <see cref="Step"/> calls.</summary>
    internal sealed class Workspace : IDisposable
    {
        internal Workspace(long floats) =>
            Pointer = (float*)NativeMemory.AlignedAlloc((nuint)(floats * sizeof(float)), 64);

        /// <summary>The memory.</summary>
        public float* Pointer { get; private set; }

        /// <inheritdoc />
        public void Dispose()
        {
            NativeMemory.AlignedFree(Pointer);
            Pointer = null;
        }
    }
}
