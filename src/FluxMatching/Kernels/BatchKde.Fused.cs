namespace FluxMatching.Kernels;

using System.Numerics;
using FluxMatching.Runtime;
using static TorchSharp.torch;

/// <summary>Gradient-free batch queries used by the flux loss (fused CPU kernels or matrix products).</summary>
public sealed partial class BatchKde
{
    /// <summary>True when the gradient-free queries run in the fused CPU kernels (CPU, D ≤ 16, an instruction set
    /// for them: see <see cref="Isa"/>).</summary>
    internal bool Fused =>
        Dimension <= FusedKde.MaxDimension && Isa.Kernels
        && (TensorMemory.IsDirect<float>(reference) || TensorMemory.IsDirect<double>(reference));

    /// <summary>
    /// One exponential-integrator substep of the flux loss, z' = (1 − e^{−h}) m(z) + e^{−h} z + c ξ, for flattened
    /// queries z [N, D] and noise ξ [N, D]: the fused kernels write m(z) and the update goes over it in one pass (no
    /// log-normalizers kept); elsewhere the same expression in tensor operations.
    /// </summary>
    /// <param name="flat">z [N, D].</param>
    /// <param name="noise">ξ [N, D].</param>
    /// <param name="pull">1 − e^{−h}.</param>
    /// <param name="keep">e^{−h}.</param>
    /// <param name="noiseScale">c = √(σ²(1 − e^{−2h})).</param>
    internal Tensor Substep(Tensor flat, Tensor noise, double pull, double keep, double noiseScale)
    {
        using var gradients = no_grad();
        if (!Fused || !TensorMemory.IsDirect<float>(flat) || !TensorMemory.IsDirect<float>(noise)
            || !TensorMemory.IsDirect<float>(reference))
        {
            using var sc = new Scalars();
            return DenoiseRows(flat, out _).mul_(sc[pull]).add_(flat, sc[keep]).add_(noise, sc[noiseScale]);
        }

        var next = empty_like(flat);
        unsafe
        {
            float* m = TensorMemory.Pointer<float>(next), z = TensorMemory.Pointer<float>(flat);
            float* xi = TensorMemory.Pointer<float>(noise);
            int n = (int)flat.size(0);
            FusedKde.SoftmaxRows(Columns<float>(), z, n, Scale<float>(), m, null);
            float p = (float)pull, k = (float)keep, c = (float)noiseScale;
            for (long i = 0, count = flat.numel(); i < count; i++)
            {
                m[i] = (m[i] * p) + (z[i] * k) + (xi[i] * c);
            }
        }

        return next;
    }

    /// <summary>
    /// The denoiser m(z) = Σ_b w_b(z) X_b of flattened queries [N, D], without a graph. <paramref name="state"/>
    /// receives what <see cref="Moments"/> needs to rebuild the weights: the row log-normalizers [N] (fused) or the
    /// weights [N, B] themselves.
    /// </summary>
    internal Tensor DenoiseRows(Tensor flat, out Tensor state)
    {
        using var _ = no_grad();
        if (!Fused)
        {
            state = LogitsRows(flat).softmax(1);
            return PackedGemm.MatMul(state, reference, transposedB: false);
        }

        var z = flat.contiguous();
        var mean = empty_like(z);
        state = empty(z.shape[0], dtype: z.dtype, device: z.device);
        if (z.dtype == ScalarType.Float32)
        {
            SoftmaxRows<float>(z, mean, state);
        }
        else
        {
            SoftmaxRows<double>(z, mean, state);
        }

        return mean;
    }

    /// <summary>
    /// The weighted moments of the analytic end-point derivatives at queries z [N, D] with denoiser means m, probe p
    /// and direction y (all [N, D]): q = Var_w(X·p) [N], Q = Σ_b w_b (X_b·p − m·p)² (X_b − m) and
    /// C = Σ_b w_b (X_b·y − m·y)(X_b − m) = Cov_w(X) y (both [N, D]).
    /// </summary>
    internal (Tensor Q, Tensor Qv, Tensor Cy) Moments(Tensor flat, Tensor state, Tensor mean, Tensor probe, Tensor y)
    {
        using var _ = no_grad();
        long n = flat.shape[0];
        if (!Fused)
        {
            var a = PackedGemm.MatMul(cat([probe, y], 0), reference, transposedB: true);   // [2N, B]: X·p, X·y
            var ap = a.narrow(0, 0, n).sub_(mean.mul(probe).sum(1, keepdim: true));
            var ay = a.narrow(0, n, n).sub_(mean.mul(y).sum(1, keepdim: true));
            ap.mul_(ap).mul_(state);
            ay.mul_(state);
            var q = ap.sum(1);
            var both = PackedGemm.MatMul(a, reference, transposedB: false);               // [2N, D]
            var qv = both.narrow(0, 0, n).sub_(mean.mul(q.unsqueeze(1)));
            var cy = both.narrow(0, n, n).sub_(mean.mul(ay.sum(1, keepdim: true)));
            return (q, qv, cy);
        }

        var z = flat.contiguous();
        var result = (empty(n, dtype: z.dtype, device: z.device), empty_like(z), empty_like(z));
        if (z.dtype == ScalarType.Float32)
        {
            EndpointMoments<float>(z, state, mean.contiguous(), probe.contiguous(), y.contiguous(), result);
        }
        else
        {
            EndpointMoments<double>(z, state, mean.contiguous(), probe.contiguous(), y.contiguous(), result);
        }

        return result;
    }

    /// <summary><see cref="Logits"/> of flattened queries [N, D] without a graph, through the packed float32 product
    /// where it applies (the matrix-product path for D &gt; 16).</summary>
    private Tensor LogitsRows(Tensor flat) => PackedGemm.MatMul(flat, Scaled, transposedB: true, Bias);

    /// <summary>
    /// Σ_j w_i(q_j) v_j for queries q [N, D] and values v [N, D]: the weights of each query over the reference
    /// points, applied from the left (= <c>Weights(q).t().mm(v)</c>), shape [B, D]. This is the flux loss's
    /// responsibility matrix when the reference set is the one-jump means μ.
    /// </summary>
    internal Tensor CarryBack(Tensor queries, Tensor values)
    {
        using var _ = no_grad();
        if (!Fused)
        {
            var weights = LogitsRows(Flatten(queries)).softmax(1);
            return PackedGemm.MatMul(weights.t().contiguous(), values.contiguous(), transposedB: false);
        }

        var z = queries.contiguous();
        var v = values.contiguous();
        var output = empty(Count, Dimension, dtype: z.dtype, device: z.device);
        if (z.dtype == ScalarType.Float32)
        {
            ColumnSoftmax<float>(z, v, output);
        }
        else
        {
            ColumnSoftmax<double>(z, v, output);
        }

        return output;
    }

    private unsafe void SoftmaxRows<T>(Tensor z, Tensor mean, Tensor lse)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        FusedKde.SoftmaxRows(Columns<T>(), TensorMemory.Pointer<T>(z), (int)z.shape[0], Scale<T>(),
            mean is null ? null : TensorMemory.Pointer<T>(mean), TensorMemory.Pointer<T>(lse));
    }

    private unsafe void EndpointMoments<T>(Tensor z, Tensor lse, Tensor mean, Tensor probe, Tensor y,
        (Tensor Q, Tensor Qv, Tensor Cy) result)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        FusedKde.EndpointMoments(Columns<T>(), TensorMemory.Pointer<T>(z), (int)z.shape[0], Scale<T>(),
            TensorMemory.Pointer<T>(lse), TensorMemory.Pointer<T>(mean), TensorMemory.Pointer<T>(probe),
            TensorMemory.Pointer<T>(y), TensorMemory.Pointer<T>(result.Q), TensorMemory.Pointer<T>(result.Qv),
            TensorMemory.Pointer<T>(result.Cy));
    }

    private unsafe void ColumnSoftmax<T>(Tensor queries, Tensor values, Tensor output)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = (int)queries.shape[0];
        using var lse = empty(n, dtype: queries.dtype, device: queries.device);
        FusedKde.SoftmaxRows(Columns<T>(), TensorMemory.Pointer<T>(queries), n, Scale<T>(), null,
            TensorMemory.Pointer<T>(lse));
        var order = SoaMatrix<T>.SpatialOrder(queries);
        using var zq = SoaMatrix<T>.From(queries, T.PositiveInfinity, Scale<T>(), order);
        zq.FillExtra(TensorMemory.Pointer<T>(lse));
        using var gv = SoaMatrix<T>.From(values, T.Zero, T.One, order);
        FusedKde.ColumnSoftmaxApply(zq, gv, TensorMemory.Pointer<T>(reference), (int)Count, MinusHalfScale<T>(),
            TensorMemory.Pointer<T>(output));
    }

    private T Scale<T>()
        where T : unmanaged, IFloatingPointIeee754<T> => T.CreateTruncating(1.0 / Sigma2);

    private T MinusHalfScale<T>()
        where T : unmanaged, IFloatingPointIeee754<T> => T.CreateTruncating(-0.5 / Sigma2);

    /// <summary>X in column layout (Z-order) with the logit bias −½‖X_b‖²/σ² in the extra row (padding −∞).</summary>
    private unsafe SoaMatrix<T> Columns<T>()
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (columns is SoaMatrix<T> ready)
        {
            return ready;
        }

        var m = SoaMatrix<T>.From(reference, T.NegativeInfinity, T.One, SoaMatrix<T>.SpatialOrder(reference));
        T* rows = TensorMemory.Pointer<T>(reference);
        int d = (int)Dimension;
        T minusHalfScale = MinusHalfScale<T>();
        for (int i = 0; i < m.Count; i++)
        {
            m.Extra[i] = SoaMatrix<T>.Bias(rows + (m.Order[i] * d), d, minusHalfScale);
        }

        columns = m;
        return m;
    }
}
