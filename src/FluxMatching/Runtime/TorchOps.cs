namespace FluxMatching.Runtime;

using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// The few TorchSharp calls whose convenient forms read or pass a temporary <see cref="Scalar"/> that another thread's
/// garbage collection may free while libtorch still uses it (see <see cref="Scalars"/>), in forms that hold every
/// Scalar for the whole call. Same values, gradients, devices and dtypes as the TorchSharp forms they replace.
/// </summary>
public static class TorchOps
{
    /// <summary>The value of a one-element tensor of any dtype and device, as a double (PyTorch's <c>x.item()</c>;
    /// replaces TorchSharp's <c>ToDouble(Tensor)</c>).</summary>
    /// <param name="tensor">A tensor with exactly one element.</param>
    public static double ItemAsDouble(this Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        using var value = tensor.ToScalar();
        return value.ToDouble();
    }

    /// <summary><c>torch.arange(start, stop)</c>: start, start + 1, …, stop − 1, [stop − start].</summary>
    /// <param name="start">First value.</param>
    /// <param name="stop">End (exclusive).</param>
    /// <param name="dtype">Element type.</param>
    /// <param name="device">Device (null: CPU).</param>
    public static Tensor Arange(long start, long stop, ScalarType dtype, Device? device = null)
    {
        using var sc = new Scalars();
        return arange(sc[start], sc[stop], Scalars.One, dtype, device);
    }

    /// <summary>PyTorch's <c>F.softplus(x)</c> with β = 1 and threshold 20: log(1 + eˣ) for x ≤ 20, x above; derivative
    /// σ(x) and 1. Built from element-wise ops with a detached mask (m = 1[x > 20]: x·m + log(1 + e^{x(1−m)})·(1 − m)),
    /// so it runs on every device including <c>meta</c> (no <c>where</c> backward, no overflow in the unused branch).
    /// Shape and dtype of <paramref name="x"/>.</summary>
    /// <param name="x">Any floating tensor.</param>
    public static Tensor Softplus(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        using var scope = NewDisposeScope();
        var above = x.gt(Scalars.Shared(20.0)).to(x.dtype).detach();
        var below = above.neg().add_(Scalars.One, Scalars.One);
        return x.mul(above).add(x.mul(below).exp().log1p().mul(below), Scalars.One).MoveToOuterDisposeScope();
    }
}
