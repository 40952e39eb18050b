namespace FluxMatching.Runtime;

using System.Runtime.Intrinsics;

/// <summary>Which SIMD register the fused kernels use on this CPU.</summary>
internal static class SimdDispatch
{
    /// <summary>True when 512-bit registers run natively (AVX-512); else 256-bit ones are used.</summary>
    public static bool Wide { get; } = Vector512.IsHardwareAccelerated;

    /// <summary>True when at least 256-bit registers run natively; without them the fused kernels are not used.</summary>
    public static bool Available { get; } = Vector256.IsHardwareAccelerated;

    /// <summary>Padding multiple of the fused kernels' point blocks (covers every register width).</summary>
    public const int Block = 16;
}
