namespace FluxMatching.Runtime;

/// <summary>
/// The exponential of the fused CPU kernels (implemented per register type: <see cref="Simd256F"/>,
/// <see cref="Simd512F"/>, <see cref="Simd256D"/>, <see cref="Simd512D"/>). libtorch's own vector exp (SLEEF u10)
/// takes a path 10–30× slower for arguments below ln(FLT_MIN), which batch-KDE logits hit constantly, and .NET's
/// <c>Vector.Exp</c> is slower than scalar code. The kernels' exp is a branch-free Cody–Waite reduction,
/// e^x = 2ⁿ·p(r), r = x − n ln 2, |r| ≤ ½ ln 2, with n = round(x/ln 2) taken by the 1.5·2²³ (2⁵²) addition trick and
/// 2ⁿ built by moving n + bias into the exponent field. (No float→int conversion instruction: .NET's saturating
/// vector conversion returns garbage on a thread that treats denormals as zero, which the trainer turns on.)
/// <para>Accuracy: float32 ≤ 2 ulp (Cephes degree-5 polynomial), float64 ≤ 2 ulp (degree-13 Taylor polynomial,
/// truncation error &lt; 5e-18).</para>
/// <para>The float32 SiLU (<see cref="Simd256F.Silu(System.Runtime.Intrinsics.Vector256{float})"/>,
/// <see cref="Simd512F.Silu(System.Runtime.Intrinsics.Vector512{float})"/>: the hot activation of the packed products'
/// epilogues and the sampler tiles) takes e^{−x} in base 2 without the Cody–Waite split, trading the reduction's last
/// bits for 1.45–1.7× its speed (measured in isolation on an EPYC 9004): relative error
/// ≤ 1e-6 for |x| ≤ 10, ≤ 4e-6 for x &lt; −10 (where |silu(x)| &lt; 5e-4).</para>
/// </summary>
internal static class SimdMath
{
    /// <summary>ln(FLT_MIN): the float32 <c>ExpNonPositive</c> returns exactly 0 below it.</summary>
    public const float SingleFloor = -87.33654f;

    /// <summary>The fused KDE kernels skip a block of float32 weights that are all below e^this relative to the row's
    /// largest: each contributes under 1.3e-14 of the sum.</summary>
    public const float SingleSkip = -32f;

    /// <summary>The float64 counterpart of <see cref="SingleSkip"/> (each weight under 5e-32 of the sum).</summary>
    public const double DoubleSkip = -72.0;

    /// <summary>ln(DBL_MIN): the float64 <c>ExpNonPositive</c> returns exactly 0 below it.</summary>
    public const double DoubleFloor = -708.3964185322641;
}
