namespace FluxMatching.Runtime;

/// <summary>
/// A SIMD register of <typeparamref name="T"/> lanes, as a zero-cost generic abstraction over
/// <c>Vector256</c>/<c>Vector512</c> (the fused kernels are written once against this interface and the JIT
/// specializes them per register type). Implementations: <see cref="Simd256F"/>, <see cref="Simd512F"/>,
/// <see cref="Simd256D"/>, <see cref="Simd512D"/>; <see cref="Isa"/> picks the register width.
/// </summary>
/// <typeparam name="TSelf">The register type.</typeparam>
/// <typeparam name="T">float or double.</typeparam>
internal unsafe interface ISimd<TSelf, T>
    where TSelf : struct, ISimd<TSelf, T>
    where T : unmanaged
{
    /// <summary>Lanes per register.</summary>
    static abstract int Count { get; }

    /// <summary>All lanes 0.</summary>
    static abstract TSelf Zero { get; }

    /// <summary>Loads <see cref="Count"/> values (no alignment needed).</summary>
    static abstract TSelf Load(T* p);

    /// <summary>Stores <see cref="Count"/> values (no alignment needed).</summary>
    static abstract void Store(T* p, TSelf v);

    /// <summary>Every lane = <paramref name="value"/>.</summary>
    static abstract TSelf Broadcast(T value);

    /// <summary>Lane-wise sum.</summary>
    static abstract TSelf operator +(TSelf a, TSelf b);

    /// <summary>Lane-wise difference.</summary>
    static abstract TSelf operator -(TSelf a, TSelf b);

    /// <summary>Lane-wise product.</summary>
    static abstract TSelf operator *(TSelf a, TSelf b);

    /// <summary>Lane-wise quotient.</summary>
    static abstract TSelf operator /(TSelf a, TSelf b);

    /// <summary>Lane-wise negation.</summary>
    static abstract TSelf operator -(TSelf a);

    /// <summary>Lane-wise a·b + c with one rounding (an FMA instruction).</summary>
    static abstract TSelf MultiplyAdd(TSelf a, TSelf b, TSelf c);

    /// <summary>Lane-wise maximum.</summary>
    static abstract TSelf Max(TSelf a, TSelf b);

    /// <summary>True when every lane of <paramref name="a"/> is below the matching lane of <paramref name="b"/>.</summary>
    static abstract bool AllLess(TSelf a, TSelf b);

    /// <summary>Sum of the lanes, in lane order (deterministic).</summary>
    static abstract T Sum(TSelf v);

    /// <summary>Maximum of the lanes.</summary>
    static abstract T MaxAcross(TSelf v);

    /// <summary>e^x for x ≤ 0: exactly 0 below ln(smallest normal) (see <see cref="SimdMath"/>).</summary>
    static abstract TSelf ExpNonPositive(TSelf x);

    /// <summary>e^x with the argument clamped to [ln(smallest normal), 88 | 709] (for sigmoids).</summary>
    static abstract TSelf ExpBounded(TSelf x);

    /// <summary>x/(1 + e^{−x}).</summary>
    static abstract TSelf Silu(TSelf x);
}
