namespace FluxMatching.Runtime;

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

/// <summary>A 512-bit register of 16 float lanes for the fused kernels (see <see cref="ISimd{TSelf, T}"/>).</summary>
internal readonly unsafe struct Simd512F : ISimd<Simd512F, float>
{
    private readonly Vector512<float> v;

    private Simd512F(Vector512<float> v) => this.v = v;

    /// <inheritdoc />
    public static int Count => Vector512<float>.Count;

    /// <inheritdoc />
    public static Simd512F Zero => new(Vector512<float>.Zero);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512F Load(float* p) => new(Vector512.Load(p));

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float* p, Simd512F x) => Vector512.Store(x.v, p);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512F Broadcast(float value) => new(Vector512.Create(value));

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512F operator +(Simd512F a, Simd512F b) => new(a.v + b.v);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512F operator -(Simd512F a, Simd512F b) => new(a.v - b.v);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512F operator *(Simd512F a, Simd512F b) => new(a.v * b.v);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512F operator /(Simd512F a, Simd512F b) => new(a.v / b.v);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512F operator -(Simd512F a) => new(-a.v);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512F MultiplyAdd(Simd512F a, Simd512F b, Simd512F c) => new(Vector512.FusedMultiplyAdd(a.v, b.v, c.v));

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512F Max(Simd512F a, Simd512F b) => new(Vector512.Max(a.v, b.v));

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AllLess(Simd512F a, Simd512F b) => Vector512.LessThanAll(a.v, b.v);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Simd512F x)
    {
        float s = x.v.GetElement(0);
        for (int k = 1; k < Vector512<float>.Count; k++)
        {
            s += x.v.GetElement(k);
        }

        return s;
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaxAcross(Simd512F x)
    {
        float m = x.v.GetElement(0);
        for (int k = 1; k < Vector512<float>.Count; k++)
        {
            m = MathF.Max(m, x.v.GetElement(k));
        }

        return m;
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512F ExpNonPositive(Simd512F x)
    {
        var floor = Vector512.Create(SimdMath.SingleFloor);
        var e = Exp(Vector512.Max(x.v, floor));
        return new(Vector512.ConditionalSelect(Vector512.LessThan(x.v, floor), Vector512<float>.Zero, e));
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512F ExpBounded(Simd512F x) =>
        new(Exp(Vector512.Min(Vector512.Max(x.v, Vector512.Create(SimdMath.SingleFloor)), Vector512.Create(88.0f))));

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512F Silu(Simd512F x) => new(Silu(x.v));

    /// <summary>x/(1 + e^{−x}) on a raw register (the packed matrix kernel's epilogue, the fused sampler tile).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Silu(Vector512<float> x) =>
        x / (Vector512<float>.One + (Avx512F.IsSupported ? ExpNegated(x) : ExpBounded(new(-x)).v));

    /// <summary>
    /// e^{−x} for any x, for the SiLU, in base 2 without the Cody–Waite split: t = −x·log₂e, n = round(t) by
    /// VRNDSCALEPS, 2^(t − n) by a degree-5 minimax polynomial (relative error 7.5e-8 on |t − n| ≤ ½), and 2ⁿ applied
    /// by VSCALEFPS, which saturates to +∞ and 0 outside the float range, so x/(1 + e^{−x}) needs no clamps
    /// (x/(1 + ∞) = −0 for x ≪ 0). Nine operations, four fewer than the Cody–Waite form with VSCALEFPS; the SiLU's
    /// relative error is ≤ 1e-6 for |x| ≤ 10 and ≤ 4e-6 below (see <see cref="SimdMath"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> ExpNegated(Vector512<float> x)
    {
        var t = x * Vector512.Create(-1.44269504088896341f);
        var n = Avx512F.RoundScale(t, 0);
        var f = t - n;
        var p = Vector512.FusedMultiplyAdd(Vector512.Create(1.3276466634e-3f), f, Vector512.Create(9.6755409613e-3f));
        p = Vector512.FusedMultiplyAdd(p, f, Vector512.Create(5.5507134646e-2f));
        p = Vector512.FusedMultiplyAdd(p, f, Vector512.Create(2.4022120237e-1f));
        p = Vector512.FusedMultiplyAdd(p, f, Vector512.Create(6.9314694405e-1f));
        p = Vector512.FusedMultiplyAdd(p, f, Vector512.Create(1.0000001192f));
        return Avx512F.Scale(p, n);
    }

    /// <summary>e^x for x in [floor, ceiling] (see <see cref="SimdMath"/> for the method).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Exp(Vector512<float> x)
    {
        var magic = Vector512.Create(12582912f);
        var shifted = Vector512.FusedMultiplyAdd(x, Vector512.Create(1.44269504088896341f), magic);
        var n = shifted - magic;
        var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-0.693359375f), x);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(2.12194440e-4f), r);
        if (Avx512F.IsSupported)
        {
            return Avx512F.Scale(Polynomial(r), n);   // one VSCALEFPS instead of building 2ⁿ with integer operations
        }

        var scale = (shifted.AsInt32() - Vector512.Create(0x4B400000 - 127)) << 23;
        return Polynomial(r) * scale.AsSingle();
    }

    /// <summary>e^r for |r| ≤ ½ ln 2 (Cephes degree-5 polynomial: 1 + r + r²·q(r), by Horner's rule).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Polynomial(Vector512<float> r)
    {
        var p = Vector512.Create(1.9875691500e-4f);
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.3981999507e-3f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(8.3334519073e-3f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(4.1665795894e-2f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.6666665459e-1f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(5.0000001201e-1f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512<float>.One);
        return Vector512.FusedMultiplyAdd(p, r, Vector512<float>.One);
    }
}
