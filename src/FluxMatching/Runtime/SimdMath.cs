namespace FluxMatching.Runtime;

using System.Numerics;
using System.Runtime.CompilerServices;

/// <summary>
/// Vectorized elementary functions for the fused CPU kernels (<see cref="FusedKde"/>), generic over float32 and
/// float64. libtorch's own vector exp (SLEEF u10) takes a slow path 10–30× slower for arguments below ln(FLT_MIN),
/// which the batch-KDE softmax produces all the time, and .NET's <c>Vector.Exp</c> is slower than scalar code; this
/// exp is a branch-free Cody–Waite reduction with a polynomial: 2ⁿ·p(r), r = x − n ln 2, |r| ≤ ½ ln 2.
/// <para>Accuracy: float32 ≤ 2 ulp (degree-6 polynomial), float64 ≤ 2 ulp (degree-13 Taylor polynomial). Results
/// below the smallest normal number are returned as exactly 0 (what libtorch gives with denormals flushed), and
/// large arguments saturate to +∞.</para>
/// </summary>
internal static class SimdMath
{
    /// <summary>ln(FLT_MIN): float32 arguments below give exactly 0.</summary>
    public const float SingleFloor = -87.33654f;

    /// <summary>ln(DBL_MIN): float64 arguments below give exactly 0.</summary>
    public const double DoubleFloor = -708.3964185322641;

    /// <summary>e^x per lane for float32 or float64 vectors.</summary>
    /// <param name="x">Arguments.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Exp<T>(Vector<T> x)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            return Vector.As<float, T>(ExpSingle(Vector.As<T, float>(x)));
        }

        if (typeof(T) == typeof(double))
        {
            return Vector.As<double, T>(ExpDouble(Vector.As<T, double>(x)));
        }

        throw new NotSupportedException($"SimdMath.Exp supports float and double, not {typeof(T).Name}.");
    }

    /// <summary>e^x per lane (float32).</summary>
    /// <param name="x">Arguments.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> ExpSingle(Vector<float> x)
    {
        const float MinArgument = SingleFloor;  // below, e^x is denormal → 0
        const float MaxArgument = 88.72283f;    // ln(FLT_MAX)
        var underflow = Vector.LessThan(x, new Vector<float>(MinArgument));
        var clamped = Vector.Min(Vector.Max(x, new Vector<float>(MinArgument)), new Vector<float>(MaxArgument));
        // n = round(x / ln 2) by the 1.5·2²³ trick: the addition rounds to an integer held in the low mantissa
        // bits (no float→int conversion: .NET's saturating Vector.ConvertToInt32 returns garbage when the thread
        // treats denormals as zero, which the trainer turns on).
        var magic = new Vector<float>(12582912f);
        var shifted = Vector.FusedMultiplyAdd(clamped, new Vector<float>(1.44269504088896341f), magic);
        var n = shifted - magic;
        // r = x − n ln 2 with ln 2 split in an exact high part and a low part.
        var r = Vector.FusedMultiplyAdd(n, new Vector<float>(-0.693359375f), clamped);
        r = Vector.FusedMultiplyAdd(n, new Vector<float>(2.12194440e-4f), r);
        var p = new Vector<float>(1.9875691500e-4f);
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(1.3981999507e-3f));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(8.3334519073e-3f));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(4.1665795894e-2f));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(1.6666665459e-1f));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(5.0000001201e-1f));
        p = Vector.FusedMultiplyAdd(p, r * r, r) + Vector<float>.One;
        // 2ⁿ split in two factors so that n = 128 (x near ln FLT_MAX) still has a representable scale.
        var ni = Vector.AsVectorInt32(shifted) - Vector.AsVectorInt32(magic);
        var half = Vector.ShiftRightArithmetic(ni, 1);
        var scaleA = Vector.AsVectorSingle(Vector.ShiftLeft(half + new Vector<int>(127), 23));
        var scaleB = Vector.AsVectorSingle(Vector.ShiftLeft(ni - half + new Vector<int>(127), 23));
        var result = p * scaleA * scaleB;
        return Vector.ConditionalSelect(underflow, Vector<float>.Zero, result);
    }

    /// <summary>e^x per lane (float64).</summary>
    /// <param name="x">Arguments.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<double> ExpDouble(Vector<double> x)
    {
        const double MinArgument = DoubleFloor;
        const double MaxArgument = 709.782712893384;     // ln(DBL_MAX)
        var underflow = Vector.LessThan(x, new Vector<double>(MinArgument));
        var clamped = Vector.Min(Vector.Max(x, new Vector<double>(MinArgument)), new Vector<double>(MaxArgument));
        var magic = new Vector<double>(6755399441055744.0);   // 1.5·2⁵², see ExpSingle
        var shifted = Vector.FusedMultiplyAdd(clamped, new Vector<double>(1.4426950408889634), magic);
        var n = shifted - magic;
        var r = Vector.FusedMultiplyAdd(n, new Vector<double>(-6.93147180369123816490e-01), clamped);
        r = Vector.FusedMultiplyAdd(n, new Vector<double>(-1.90821492927058770002e-10), r);
        // Taylor polynomial of degree 13 (truncation error < 5e-18 relative for |r| ≤ ½ ln 2).
        var p = new Vector<double>(1.0 / 6227020800.0);
        p = Vector.FusedMultiplyAdd(p, r, new Vector<double>(1.0 / 479001600.0));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<double>(1.0 / 39916800.0));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<double>(1.0 / 3628800.0));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<double>(1.0 / 362880.0));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<double>(1.0 / 40320.0));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<double>(1.0 / 5040.0));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<double>(1.0 / 720.0));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<double>(1.0 / 120.0));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<double>(1.0 / 24.0));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<double>(1.0 / 6.0));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<double>(0.5));
        p = Vector.FusedMultiplyAdd(p, r * r, r) + Vector<double>.One;
        var ni = Vector.AsVectorInt64(shifted) - Vector.AsVectorInt64(magic);
        var half = Vector.ShiftRightArithmetic(ni, 1);
        var scaleA = Vector.AsVectorDouble(Vector.ShiftLeft(half + new Vector<long>(1023), 52));
        var scaleB = Vector.AsVectorDouble(Vector.ShiftLeft(ni - half + new Vector<long>(1023), 52));
        var result = p * scaleA * scaleB;
        return Vector.ConditionalSelect(underflow, Vector<double>.Zero, result);
    }
}
