namespace FluxMatching.Training;

using System.Numerics;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Averages the gradients of data-parallel replicas (the authors' DDP) through an <see cref="IGradientReducer"/>:
/// every step the gradients of all parameters and the step's loss go into one flat host buffer [P + 1], which is
/// summed across replicas in one collective call and divided by the replica count. Gradients on a device other than
/// the CPU are gathered on that device and staged through host memory: one device-to-host and one host-to-device copy
/// of P elements per step. Every <see cref="IGradientReducer.ChecksumEvery"/> steps it also compares a checksum of the
/// parameters' bits across replicas.
/// </summary>
internal sealed class ReplicaGradients : IDisposable
{
    private readonly IGradientReducer _reducer;
    private readonly IReadOnlyList<TorchSharp.Modules.Parameter> _parameters;
    private readonly Tensor _staging;
    private readonly long _count;
    private readonly bool _onCpu;
    private readonly Scalar _size;

    /// <summary>Prepares the host buffer for <paramref name="parameters"/> (one dtype and device).</summary>
    public ReplicaGradients(IGradientReducer reducer, IReadOnlyList<TorchSharp.Modules.Parameter> parameters)
    {
        if (reducer.Size < 1 || reducer.Rank < 0 || reducer.Rank >= reducer.Size)
            throw new ArgumentOutOfRangeException(nameof(reducer), $"rank {reducer.Rank} of {reducer.Size}: the rank must be in [0, size).");
        _reducer = reducer;
        _parameters = parameters;
        var first = parameters[0];
        _count = parameters.Sum(p => p.numel());
        _onCpu = first.device.type == DeviceType.CPU;
        var staging = torch.empty(_count + 1, first.dtype, CPU);
        _staging = !_onCpu && torch.cuda.is_available() ? staging.pin_memory() : staging;
        _size = ((double)reducer.Size).ToScalar();
    }

    /// <summary>
    /// Replaces every gradient by its mean over the replicas and returns the mean loss (one all-reduce). A replica
    /// whose loss is not finite skipped its backward: it contributes NaN, so every replica gets a NaN loss and gradient
    /// norm and skips the step together.
    /// </summary>
    /// <param name="loss">This replica's batch-mean objective.</param>
    /// <param name="step">Optimizer steps taken so far (the checksum runs when it is a multiple of the interval).</param>
    public double Average(double loss, long step)
    {
        if (_reducer.ChecksumEvery > 0 && step % _reducer.ChecksumEvery == 0) _reducer.VerifyIdentical(Checksum(), step);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        bool finite = double.IsFinite(loss);
        if (finite) Gather();
        else _staging.fill_(double.NaN);
        using (var value = loss.ToScalar()) _staging.narrow(0, _count, 1).fill_(value);
        _reducer.AllReduceSum(_staging);
        _staging.div_(_size);
        double mean = _staging[_count].ToDouble();
        if (finite) Scatter();
        return mean;
    }

    /// <summary>A checksum of the bits of all parameters, in order (staged through host memory off the CPU).</summary>
    public long Checksum()
    {
        using var scope = torch.NewDisposeScope();
        var flat = torch.cat(_parameters.Select(p => p.detach().reshape(-1)).ToArray());
        if (!_onCpu) flat = flat.to(CPU);
        return Fingerprint(flat.contiguous().bytes);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _staging.Dispose();
        _size.Dispose();
    }

    private void Gather()
    {
        if (_onCpu)
        {
            long offset = 0;
            foreach (var p in _parameters)
            {
                long n = p.numel();
                var slot = _staging.narrow(0, offset, n);
                if (p.grad is null) slot.zero_();
                else slot.copy_(p.grad.reshape(n));
                offset += n;
            }

            return;
        }

        var flat = torch.cat(_parameters.Select(p => p.grad is null ? torch.zeros(p.numel(), p.dtype, p.device) : p.grad.reshape(-1)).ToArray());
        _staging.narrow(0, 0, _count).copy_(flat);
    }

    private void Scatter()
    {
        var source = _staging.narrow(0, 0, _count);
        if (!_onCpu) source = source.to(_parameters[0].device);
        long offset = 0;
        foreach (var p in _parameters)
        {
            long n = p.numel();
            var slot = source.narrow(0, offset, n).view(p.shape);
            if (p.grad is null) p.grad = slot.clone().DetachFromDisposeScope();
            else p.grad.copy_(slot);
            offset += n;
        }
    }

    /// <summary>Order-sensitive 64-bit fingerprint of <paramref name="bytes"/>: a plain and a position-weighted sum
    /// of the 64-bit words (exact integer arithmetic, so it does not depend on how the machine sums).</summary>
    internal static long Fingerprint(ReadOnlySpan<byte> bytes)
    {
        var words = MemoryMarshal.Cast<byte, ulong>(bytes);
        ulong sum = 0, weighted = 0;
        for (int i = 0; i < words.Length; i++)
        {
            sum += words[i];
            weighted += words[i] * (2UL * (ulong)i + 1);
        }

        for (int i = words.Length * sizeof(ulong); i < bytes.Length; i++) sum += (ulong)bytes[i] << (8 * (i % 8));
        return (long)(sum ^ BitOperations.RotateLeft(weighted, 29) ^ (ulong)bytes.Length);
    }
}
