namespace FluxMatching.Runtime;

using System.Numerics;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

/// <summary>
/// A [N, D] point set stored column by column ("structure of arrays": D rows of <see cref="Stride"/> values, 64-byte
/// aligned, N padded up to a multiple of the SIMD width) in native memory, so the fused kernels process
/// <c>Vector&lt;T&gt;.Count</c> points per instruction. Points may be stored in a spatial (Z-order) permutation
/// <see cref="Order"/>, so that each SIMD block holds nearby points and a kernel can skip whole blocks whose kernel
/// weights all underflow; sums over the points do not depend on the order (up to rounding). Padding coordinates are
/// 0 and the optional per-point row <see cref="Extra"/> (e.g. a logit bias) has its own padding value.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
internal sealed unsafe class SoaMatrix<T> : IDisposable
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private T* data;

    private SoaMatrix(int count, int dimension)
    {
        Count = count;
        Dimension = dimension;
        Stride = (count + Isa.Block - 1) / Isa.Block * Isa.Block;
        data = (T*)NativeMemory.AlignedAlloc((nuint)((dimension + 1) * Stride * sizeof(T)), 64);
        Order = new int[count];
    }

    /// <summary>Number of points N.</summary>
    public int Count { get; }

    /// <summary>Point dimension D.</summary>
    public int Dimension { get; }

    /// <summary>Padded length of each column (a multiple of the SIMD width, ≥ N).</summary>
    public int Stride { get; }

    /// <summary>Order[position] = the row of the source tensor stored at that position.</summary>
    public int[] Order { get; }

    /// <summary>Column d: coordinate d of every point, <see cref="Stride"/> values.</summary>
    /// <param name="d">0 ≤ d &lt; D.</param>
    public T* Column(int d) => data + (d * Stride);

    /// <summary>An extra per-point row of <see cref="Stride"/> values (e.g. a logit bias), in storage order.</summary>
    public T* Extra => data + (Dimension * Stride);

    /// <summary>
    /// Copies a contiguous CPU tensor [N, D] into column layout, each coordinate multiplied by
    /// <paramref name="scale"/> (in T arithmetic, as the kernels scale their queries).
    /// </summary>
    /// <param name="points">Points [N, D] (contiguous CPU, element type T).</param>
    /// <param name="extraPad">Padding value of <see cref="Extra"/>.</param>
    /// <param name="scale">Factor applied to every coordinate.</param>
    /// <param name="order">Storage order (<see cref="SpatialOrder"/>), or null for row order.</param>
    public static SoaMatrix<T> From(Tensor points, T extraPad, T scale, int[]? order)
    {
        int n = (int)points.size(0);
        int d = (int)points.size(1);
        var m = new SoaMatrix<T>(n, d);
        T* src = TensorMemory.Pointer<T>(points);
        for (int i = 0; i < n; i++)
        {
            m.Order[i] = order is null ? i : order[i];
        }

        for (int k = 0; k < d; k++)
        {
            T* col = m.Column(k);
            for (int i = 0; i < n; i++)
            {
                col[i] = src[(m.Order[i] * d) + k] * scale;
            }

            new Span<T>(col + n, m.Stride - n).Clear();
        }

        new Span<T>(m.Extra + n, m.Stride - n).Fill(extraPad);
        return m;
    }

    /// <summary>Fills <see cref="Extra"/> from per-row values given in source row order.</summary>
    /// <param name="values">N values indexed by source row.</param>
    public void FillExtra(T* values)
    {
        for (int i = 0; i < Count; i++)
        {
            Extra[i] = values[Order[i]];
        }
    }

    /// <summary>The KDE logit bias −½‖x‖²·s of one point (the one formula every kernel uses).</summary>
    /// <param name="row">The point's D coordinates.</param>
    /// <param name="d">D.</param>
    /// <param name="minusHalfScale">−½·s.</param>
    public static T Bias(T* row, int d, T minusHalfScale)
    {
        T sum = T.Zero;
        for (int k = 0; k < d; k++)
        {
            sum += row[k] * row[k];
        }

        return sum * minusHalfScale;
    }

    /// <summary>Frees the native memory.</summary>
    public void Dispose()
    {
        if (data != null)
        {
            NativeMemory.AlignedFree(data);
            data = null;
        }
    }

    /// <summary>The rows of a contiguous CPU tensor [N, D] sorted along a Z-order (Morton) curve of their
    /// coordinates, quantized to ⌊63/D⌋ bits each (at most 21).</summary>
    /// <param name="points">Points [N, D].</param>
    public static int[] SpatialOrder(Tensor points)
    {
        int n = (int)points.size(0);
        int d = (int)points.size(1);
        var order = new int[n];
        ZOrder(TensorMemory.Pointer<T>(points), n, d, order);
        return order;
    }

    private static void ZOrder(T* src, int n, int d, int[] order)
    {
        var lo = new double[d];
        var hi = new double[d];
        Array.Fill(lo, double.PositiveInfinity);
        Array.Fill(hi, double.NegativeInfinity);
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < d; k++)
            {
                double v = double.CreateTruncating(src[(i * d) + k]);
                lo[k] = Math.Min(lo[k], v);
                hi[k] = Math.Max(hi[k], v);
            }
        }

        int bits = Math.Min(21, 63 / d);
        double cells = (1L << bits) - 1;
        var keys = new ulong[n];
        var cell = stackalloc ulong[d];
        for (int i = 0; i < n; i++)
        {
            ulong key = 0;
            for (int k = 0; k < d; k++)
            {
                double span = hi[k] - lo[k];
                double v = span > 0 ? (double.CreateTruncating(src[(i * d) + k]) - lo[k]) / span : 0;
                cell[k] = double.IsFinite(v) ? (ulong)(Math.Clamp(v, 0, 1) * cells) : 0;
            }

            if (d == 2)
            {
                key = (Spread(cell[0]) << 1) | Spread(cell[1]);   // the loop below for two coordinates, without it
            }
            else
            {
                for (int b = bits - 1; b >= 0; b--)
                {
                    for (int k = 0; k < d; k++)
                    {
                        key = (key << 1) | ((cell[k] >> b) & 1);
                    }
                }
            }

            keys[i] = key;
            order[i] = i;
        }

        Array.Sort(keys, order);
    }

    /// <summary>The low 32 bits of <paramref name="x"/> moved to the even bit positions (bit b to bit 2b).</summary>
    private static ulong Spread(ulong x)
    {
        x &= 0xFFFFFFFFUL;
        x = (x | (x << 16)) & 0x0000FFFF0000FFFFUL;
        x = (x | (x << 8)) & 0x00FF00FF00FF00FFUL;
        x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0FUL;
        x = (x | (x << 2)) & 0x3333333333333333UL;
        return (x | (x << 1)) & 0x5555555555555555UL;
    }
}
