namespace FluxMatching.Runtime;

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

/// <summary>A 256-bit register of 4 double lanes for the fused kernels (see <see cref="ISimd{TSelf, T}"/>).</summary>
internal readonly unsafe struct Simd256D : ISimd<Simd256D, double>
{
    private readonly Vector256<double> v;

    private Simd256D(Vector256<double> v) => this.v = v;

    /// <inheritdoc />
    public static int Count => Vector256<double>.Count;

    /// <inheritdoc />
    public static Simd256D Zero => new(Vector256<double>.Zero);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256D Load(double* p) => new(Vector256.Load(p));

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(double* p, Simd256D x) => Vector256.Store(x.v, p);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256D Broadcast(double value) => new(Vector256.Create(value));

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256D operator +(Simd256D a, Simd256D b) => new(a.v + b.v);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256D operator -(Simd256D a, Simd256D b) => new(a.v - b.v);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256D operator *(Simd256D a, Simd256D b) => new(a.v * b.v);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256D operator /(Simd256D a, Simd256D b) => new(a.v / b.v);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256D operator -(Simd256D a) => new(-a.v);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256D MultiplyAdd(Simd256D a, Simd256D b, Simd256D c) => new(Vector256.FusedMultiplyAdd(a.v, b.v, c.v));

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256D Max(Simd256D a, Simd256D b) => new(Vector256.Max(a.v, b.v));

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AllLess(Simd256D a, Simd256D b) => Vector256.LessThanAll(a.v, b.v);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sum(Simd256D x)
    {
        double s = x.v.GetElement(0);
        for (int k = 1; k < Vector256<double>.Count; k++)
        {
            s += x.v.GetElement(k);
        }

        return s;
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double MaxAcross(Simd256D x)
    {
        double m = x.v.GetElement(0);
        for (int k = 1; k < Vector256<double>.Count; k++)
        {
            m = Math.Max(m, x.v.GetElement(k));
        }

        return m;
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256D ExpNonPositive(Simd256D x)
    {
        var floor = Vector256.Create(SimdMath.DoubleFloor);
        var e = Exp(Vector256.Max(x.v, floor));
        return new(Vector256.ConditionalSelect(Vector256.LessThan(x.v, floor), Vector256<double>.Zero, e));
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256D ExpBounded(Simd256D x) =>
        new(Exp(Vector256.Min(Vector256.Max(x.v, Vector256.Create(SimdMath.DoubleFloor)), Vector256.Create(709.0))));

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256D Silu(Simd256D x) => new(x.v / (Vector256<double>.One + ExpBounded(-x).v));

    /// <summary>e^x for x in [floor, ceiling] (see <see cref="SimdMath"/> for the method).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Exp(Vector256<double> x)
    {
        var magic = Vector256.Create(6755399441055744.0);
        var shifted = Vector256.FusedMultiplyAdd(x, Vector256.Create(1.4426950408889634), magic);
        var n = shifted - magic;
        var r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-6.93147180369123816490e-01), x);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-1.90821492927058770002e-10), r);
        var p = Vector256.Create(1.0 / 6227020800.0);
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 479001600.0));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 39916800.0));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 3628800.0));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 362880.0));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 40320.0));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 5040.0));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 720.0));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 120.0));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 24.0));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 6.0));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(0.5));
        p = Vector256.FusedMultiplyAdd(p, r * r, r) + Vector256<double>.One;
        var scale = (shifted.AsInt64() - Vector256.Create(0x4338000000000000L - 1023)) << 52;
        return p * scale.AsDouble();
    }
}
