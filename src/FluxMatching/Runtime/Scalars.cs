namespace FluxMatching.Runtime;

using System.Collections.Concurrent;
using TorchSharp;

/// <summary>
/// Native <see cref="Scalar"/> management (toolchain pitfall P16): every TorchSharp op that takes a .NET number
/// allocates a native <c>c10::Scalar</c> that only the finalizer frees, so hot loops must reuse or dispose them.
/// <para>Static members hand out process-lifetime Scalars for constants (<see cref="One"/>, <see cref="Shared"/>);
/// an instance is a per-call bag that creates Scalars for run-time values (σ², e^{−h}, …) and disposes them all
/// in <see cref="Dispose"/>.</para>
/// <para>Every Scalar handed to libtorch must be held by one of these (or a field, or a <c>using</c> local) for the
/// whole call. An implicit one (<c>x.mul(0.5)</c>, and TorchSharp's own <c>add(Tensor)</c> = <c>add(x, 1)</c>,
/// <c>square()</c> = <c>pow(2)</c>) is unreachable once its handle is read, so a garbage collection triggered by
/// another thread lets the finalizer free it while libtorch still reads it. Hence <c>x.add(y, Scalars.One)</c> and
/// <c>x.pow(Scalars.Two)</c> throughout; a test scans the IL of every library for the implicit forms.</para>
/// </summary>
public sealed class Scalars : IDisposable
{
    private const int SharedCapacity = 1024;
    private static readonly ConcurrentDictionary<long, Scalar> SharedCache = new();
    private readonly List<Scalar> owned = new(16);
    private bool disposed;

    /// <summary>The constant 0 (double Scalar; does not promote float32 tensors).</summary>
    public static Scalar Zero { get; } = 0.0.ToScalar();

    /// <summary>The constant 1.</summary>
    public static Scalar One { get; } = 1.0.ToScalar();

    /// <summary>The constant −1.</summary>
    public static Scalar MinusOne { get; } = (-1.0).ToScalar();

    /// <summary>The constant 2.</summary>
    public static Scalar Two { get; } = 2.0.ToScalar();

    /// <summary>The constant −2.</summary>
    public static Scalar MinusTwo { get; } = (-2.0).ToScalar();

    /// <summary>The constant ½.</summary>
    public static Scalar Half { get; } = 0.5.ToScalar();

    /// <summary>The constant −½.</summary>
    public static Scalar MinusHalf { get; } = (-0.5).ToScalar();

    /// <summary>
    /// A process-lifetime Scalar for a value from a small fixed set (configuration constants such as the horizon or
    /// σ_data). Values are interned by their exact bits; after <c>1024</c> distinct values a fresh Scalar is returned
    /// instead (then freed by the finalizer), so never pass per-step values here: use an instance.
    /// </summary>
    /// <param name="value">The value.</param>
    public static Scalar Shared(double value)
    {
        long key = BitConverter.DoubleToInt64Bits(value);
        if (SharedCache.TryGetValue(key, out var cached))
        {
            return cached;
        }

        if (SharedCache.Count >= SharedCapacity)
        {
            return value.ToScalar();
        }

        return SharedCache.GetOrAdd(key, _ => value.ToScalar());
    }

    /// <summary>Creates a Scalar owned by this bag (disposed with it).</summary>
    /// <param name="value">The value.</param>
    public Scalar this[double value] => Get(value);

    /// <summary>Creates a Scalar owned by this bag (disposed with it).</summary>
    /// <param name="value">The value.</param>
    public Scalar Get(double value)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var s = value.ToScalar();
        owned.Add(s);
        return s;
    }

    /// <summary>Disposes every Scalar created by this bag.</summary>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        foreach (var s in owned)
        {
            s.Dispose();
        }

        owned.Clear();
    }
}
