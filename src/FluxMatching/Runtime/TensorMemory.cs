namespace FluxMatching.Runtime;

using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Direct access to the memory of contiguous CPU tensors for the fused kernels (<see cref="FusedKde"/>). TorchSharp
/// exposes no data pointer, so this resolves libLibTorchSharp's exported <c>THSTensor_data</c> (at::Tensor::data_ptr)
/// once; when that fails every caller falls back to ordinary tensor operations (<see cref="Available"/> is false).
/// </summary>
internal static unsafe class TensorMemory
{
    private static readonly delegate* unmanaged<IntPtr, void*> DataFunction = Resolve();

    /// <summary>True when data pointers can be obtained.</summary>
    public static bool Available => DataFunction != null;

    /// <summary>True for a tensor the fused CPU kernels can read or write in place: CPU, contiguous, element type
    /// <typeparamref name="T"/> (float or double).</summary>
    /// <param name="t">The tensor.</param>
    public static bool IsDirect<T>(Tensor t)
        where T : unmanaged =>
        Available && t.device_type == DeviceType.CPU && t.dtype == TypeOf<T>() && t.is_contiguous();

    /// <summary>The first element of a contiguous CPU tensor (valid while the tensor lives).</summary>
    /// <param name="t">A tensor for which <see cref="IsDirect{T}"/> holds.</param>
    public static T* Pointer<T>(Tensor t)
        where T : unmanaged
    {
        if (!IsDirect<T>(t))
        {
            throw new InvalidOperationException(
                $"Expected a contiguous CPU {typeof(T).Name} tensor, got {t.dtype} on {t.device} (contiguous: " +
                $"{t.is_contiguous()}).");
        }

        return (T*)DataFunction(t.Handle);
    }

    /// <summary>Whether every element of a CPU tensor is finite: one pass over the memory of a contiguous float32 or
    /// float64 tensor, else libtorch's <c>isfinite().all()</c> (the check every training batch passes).</summary>
    /// <param name="t">A CPU tensor.</param>
    public static bool AllFinite(Tensor t)
    {
        long n = t.numel();
        if (n <= int.MaxValue && IsDirect<float>(t))
        {
            return AllFinite(new ReadOnlySpan<float>(Pointer<float>(t), (int)n));
        }

        if (n <= int.MaxValue && IsDirect<double>(t))
        {
            return AllFinite(new ReadOnlySpan<double>(Pointer<double>(t), (int)n));
        }

        using var finite = t.isfinite();
        using var all = finite.all();
        return all.item<bool>();
    }

    private static bool AllFinite<T>(ReadOnlySpan<T> values)
        where T : System.Numerics.IFloatingPointIeee754<T>
    {
        foreach (var v in values)
        {
            if (!T.IsFinite(v))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The TorchSharp element type of <typeparamref name="T"/> (float → Float32, double → Float64).</summary>
    public static ScalarType TypeOf<T>()
        where T : unmanaged =>
        typeof(T) == typeof(float) ? ScalarType.Float32
        : typeof(T) == typeof(double) ? ScalarType.Float64
        : throw new NotSupportedException($"Only float and double tensors are supported, not {typeof(T).Name}.");

    private static delegate* unmanaged<IntPtr, void*> Resolve()
    {
        try
        {
            _ = torch.get_num_threads(); // make TorchSharp load its natives first
            if (NativeLibrary.TryLoad("LibTorchSharp", typeof(torch).Assembly, null, out var lib)
                && NativeLibrary.TryGetExport(lib, "THSTensor_data", out var fn))
            {
                return (delegate* unmanaged<IntPtr, void*>)fn;
            }
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException or TypeInitializationException)
        {
            // fall through: no direct access, ordinary tensor operations are used instead
        }

        return null;
    }
}
