namespace FluxMatching.Runtime;

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

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
    public static Simd512F Silu(Simd512F x) => new(x.v / (Vector512<float>.One + ExpBounded(-x).v));

    /// <summary>e^x for x in [floor, ceiling] (see <see cref="SimdMath"/> for the method).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Exp(Vector512<float> x)
    {
        var magic = Vector512.Create(12582912f);
        var shifted = Vector512.FusedMultiplyAdd(x, Vector512.Create(1.44269504088896341f), magic);
        var n = shifted - magic;
        var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-0.693359375f), x);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(2.12194440e-4f), r);
        var p = Vector512.Create(1.9875691500e-4f);
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.3981999507e-3f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(8.3334519073e-3f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(4.1665795894e-2f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.6666665459e-1f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(5.0000001201e-1f));
        p = Vector512.FusedMultiplyAdd(p, r * r, r) + Vector512<float>.One;
        var scale = (shifted.AsInt32() - Vector512.Create(0x4B400000 - 127)) << 23;
        return p * scale.AsSingle();
    }
}
