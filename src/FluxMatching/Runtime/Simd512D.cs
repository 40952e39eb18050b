namespace FluxMatching.Runtime;

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

/// <summary>A 512-bit register of 8 double lanes for the fused kernels (see <see cref="ISimd{TSelf, T}"/>).</summary>
internal readonly unsafe struct Simd512D : ISimd<Simd512D, double>
{
    private readonly Vector512<double> v;

    private Simd512D(Vector512<double> v) => this.v = v;

    /// <inheritdoc />
    public static int Count => Vector512<double>.Count;

    /// <inheritdoc />
    public static Simd512D Zero => new(Vector512<double>.Zero);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512D Load(double* p) => new(Vector512.Load(p));

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(double* p, Simd512D x) => Vector512.Store(x.v, p);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512D Broadcast(double value) => new(Vector512.Create(value));

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512D operator +(Simd512D a, Simd512D b) => new(a.v + b.v);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512D operator -(Simd512D a, Simd512D b) => new(a.v - b.v);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512D operator *(Simd512D a, Simd512D b) => new(a.v * b.v);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512D operator /(Simd512D a, Simd512D b) => new(a.v / b.v);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512D operator -(Simd512D a) => new(-a.v);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512D MultiplyAdd(Simd512D a, Simd512D b, Simd512D c) => new(Vector512.FusedMultiplyAdd(a.v, b.v, c.v));

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512D Max(Simd512D a, Simd512D b) => new(Vector512.Max(a.v, b.v));

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AllLess(Simd512D a, Simd512D b) => Vector512.LessThanAll(a.v, b.v);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sum(Simd512D x)
    {
        double s = x.v.GetElement(0);
        for (int k = 1; k < Vector512<double>.Count; k++)
        {
            s += x.v.GetElement(k);
        }

        return s;
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double MaxAcross(Simd512D x)
    {
        double m = x.v.GetElement(0);
        for (int k = 1; k < Vector512<double>.Count; k++)
        {
            m = Math.Max(m, x.v.GetElement(k));
        }

        return m;
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512D ExpNonPositive(Simd512D x)
    {
        var floor = Vector512.Create(SimdMath.DoubleFloor);
        var e = Exp(Vector512.Max(x.v, floor));
        return new(Vector512.ConditionalSelect(Vector512.LessThan(x.v, floor), Vector512<double>.Zero, e));
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512D ExpBounded(Simd512D x) =>
        new(Exp(Vector512.Min(Vector512.Max(x.v, Vector512.Create(SimdMath.DoubleFloor)), Vector512.Create(709.0))));

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512D Silu(Simd512D x) => new(x.v / (Vector512<double>.One + ExpBounded(-x).v));

    /// <summary>e^x for x in [floor, ceiling] (see <see cref="SimdMath"/> for the method).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Exp(Vector512<double> x)
    {
        var magic = Vector512.Create(6755399441055744.0);
        var shifted = Vector512.FusedMultiplyAdd(x, Vector512.Create(1.4426950408889634), magic);
        var n = shifted - magic;
        var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-6.93147180369123816490e-01), x);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-1.90821492927058770002e-10), r);
        var p = Vector512.Create(1.0 / 6227020800.0);
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.0 / 479001600.0));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.0 / 39916800.0));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.0 / 3628800.0));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.0 / 362880.0));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.0 / 40320.0));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.0 / 5040.0));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.0 / 720.0));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.0 / 120.0));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.0 / 24.0));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.0 / 6.0));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(0.5));
        p = Vector512.FusedMultiplyAdd(p, r * r, r) + Vector512<double>.One;
        var scale = (shifted.AsInt64() - Vector512.Create(0x4338000000000000L - 1023)) << 52;
        return p * scale.AsDouble();
    }
}
