namespace FluxMatching.Training;

using System.Numerics;
using System.Runtime.InteropServices;
using FluxMatching.Runtime;
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
    private readonly IGradientReducer reducer;
    private readonly IReadOnlyList<TorchSharp.Modules.Parameter> parameters;
    private readonly Tensor staging;
    private readonly long count;
    private readonly bool onCpu;
    private readonly Scalar size;

    /// <summary>Prepares the host buffer for <paramref name="parameters"/> (one dtype and device).</summary>
    public ReplicaGradients(IGradientReducer reducer, IReadOnlyList<TorchSharp.Modules.Parameter> parameters)
    {
        if (reducer.Size < 1 || reducer.Rank < 0 || reducer.Rank >= reducer.Size)
        {
            throw new ArgumentOutOfRangeException(nameof(reducer), $"rank {reducer.Rank} of {reducer.Size}: the rank must be in [0, size).");
        }

        this.reducer = reducer;
        this.parameters = parameters;
        var first = parameters[0];
        this.count = parameters.Sum(p => p.numel());
        onCpu = first.device.type == DeviceType.CPU;
        var staging = torch.empty(this.count + 1, first.dtype, CPU);
        this.staging = !onCpu && torch.cuda.is_available() ? staging.pin_memory() : staging;
        this.size = ((double)reducer.Size).ToScalar();
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
        if (this.reducer.ChecksumEvery > 0 && step % this.reducer.ChecksumEvery == 0)
        {
            this.reducer.VerifyIdentical(Checksum(), step);
        }

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        bool finite = double.IsFinite(loss);
        if (finite)
        {
            Gather();
        }
        else
        {
            this.staging.fill_(Scalars.Shared(double.NaN));
        }

        using (var value = loss.ToScalar())
        {
            this.staging.narrow(0, this.count, 1).fill_(value);
        }

        this.reducer.AllReduceSum(this.staging);
        this.staging.div_(this.size);
        double mean = this.staging[this.count].ItemAsDouble();
        if (finite)
        {
            Scatter();
        }

        return mean;
    }

    /// <summary>A checksum of the bits of all parameters, in order (staged through host memory off the CPU).</summary>
    public long Checksum()
    {
        using var scope = torch.NewDisposeScope();
        var flat = torch.cat(this.parameters.Select(p => p.detach().reshape(-1)).ToArray());
        if (!onCpu)
        {
            flat = flat.to(CPU);
        }

        return Fingerprint(flat.contiguous().bytes);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        this.staging.Dispose();
        this.size.Dispose();
    }

    private void Gather()
    {
        if (onCpu)
        {
            long offset = 0;
            foreach (var p in this.parameters)
            {
                long n = p.numel();
                var slot = this.staging.narrow(0, offset, n);
                if (p.grad is null)
                {
                    slot.zero_();
                }
                else
                {
                    slot.copy_(p.grad.reshape(n));
                }

                offset += n;
            }

            return;
        }

        var flat = torch.cat(this.parameters.Select(p => p.grad is null ? torch.zeros(p.numel(), p.dtype, p.device) : p.grad.reshape(-1)).ToArray());
        this.staging.narrow(0, 0, this.count).copy_(flat);
    }

    private void Scatter()
    {
        var source = this.staging.narrow(0, 0, this.count);
        if (!onCpu)
        {
            source = source.to(this.parameters[0].device);
        }

        long offset = 0;
        foreach (var p in this.parameters)
        {
            long n = p.numel();
            var slot = source.narrow(0, offset, n).view(p.shape);
            if (p.grad is null)
            {
                p.grad = slot.clone().DetachFromDisposeScope();
            }
            else
            {
                p.grad.copy_(slot);
            }

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

        for (int i = words.Length * sizeof(ulong); i < bytes.Length; i++)
        {
            sum += (ulong)bytes[i] << (8 * (i % 8));
        }

        return (long)(sum ^ BitOperations.RotateLeft(weighted, 29) ^ (ulong)bytes.Length);
    }
}
