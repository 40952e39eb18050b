namespace FluxMatching.Distributed;

using System.Diagnostics;
using FluxMatching.Training;
using TorchSharp;
using static TorchSharp.torch;
using Native = MPI.Unsafe;

/// <summary>
/// Data-parallel communication over MPI's world communicator (MPI.NET 1.4 on MPICH): the gradient buffer is summed
/// in place with one <c>MPI_Allreduce</c> per step, and parameter checksums are compared with one
/// <c>MPI_Allgather</c>. Start it once per process (it initializes MPI), pass it as
/// <see cref="TrainerOptions.GradientReducer"/>, and dispose it at the end (MPI_Finalize). Run the program under
/// <c>mpiexec -n N</c>; started without mpiexec it is a single replica (rank 0 of 1).
/// </summary>
public sealed class MpiGradientReducer : IGradientReducer, IDisposable
{
    /// <summary>Default steps between parameter checksums.</summary>
    public const int DefaultChecksumEvery = 100;

    private static readonly IntPtr InPlace = new(-1);   // MPI_IN_PLACE in MPICH's and MS-MPI's mpi.h
    private readonly MPI.Environment environment;
    private bool disposed;

    private MpiGradientReducer(MPI.Environment environment, int checksumEvery)
    {
        this.environment = environment;
        ChecksumEvery = checksumEvery;
        Rank = MPI.Communicator.world.Rank;
        Size = MPI.Communicator.world.Size;
    }

    /// <summary>Initializes MPI for this process and returns its replica of the world communicator.</summary>
    /// <param name="checksumEvery">Steps between parameter checksums (0: never). Default 100.</param>
    /// <exception cref="DllNotFoundException">MPICH is not installed; the message says how to install it.</exception>
    public static MpiGradientReducer Start(int checksumEvery = DefaultChecksumEvery)
    {
        if (checksumEvery < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(checksumEvery), checksumEvery, "checksum interval must be ≥ 0 (0 = never).");
        }

        MpiLibrary.Map();
        var args = Array.Empty<string>();
        return new MpiGradientReducer(new MPI.Environment(ref args), checksumEvery);
    }

    /// <inheritdoc />
    public int Rank { get; }

    /// <inheritdoc />
    public int Size { get; }

    /// <inheritdoc />
    public int ChecksumEvery { get; }

    /// <summary>All-reduce calls so far.</summary>
    public long AllReduceCalls { get; private set; }

    /// <summary>Bytes of the last all-reduce buffer (per replica, per step).</summary>
    public long AllReduceBytes { get; private set; }

    /// <summary>Wall time spent inside <c>MPI_Allreduce</c> so far (includes waiting for the slowest replica).</summary>
    public TimeSpan AllReduceTime { get; private set; }

    /// <inheritdoc />
    public unsafe void AllReduceSum(Tensor buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if (buffer.device.type != DeviceType.CPU || !buffer.is_contiguous() || buffer.dtype is not (ScalarType.Float32 or ScalarType.Float64))
        {
            throw new ArgumentException(
                $"buffer must be a contiguous float32 or float64 tensor in host memory, not {buffer.dtype} on {buffer.device} (contiguous: {buffer.is_contiguous()}).",
                nameof(buffer));
        }

        int datatype = buffer.dtype == ScalarType.Float32 ? Native.MPI_FLOAT : Native.MPI_DOUBLE;
        var bytes = buffer.bytes;
        long start = Stopwatch.GetTimestamp();
        fixed (byte* data = bytes)
        {
            Check(Native.MPI_Allreduce(InPlace, (IntPtr)data, checked((int)buffer.numel()), datatype, Native.MPI_SUM, Native.MPI_COMM_WORLD), "MPI_Allreduce");
        }

        AllReduceTime += Stopwatch.GetElapsedTime(start);
        AllReduceCalls++;
        AllReduceBytes = bytes.Length;
    }

    /// <inheritdoc />
    public unsafe void VerifyIdentical(long checksum, long step)
    {
        var all = new long[Size];
        fixed (long* gathered = all)
        {
            Check(Native.MPI_Allgather((IntPtr)(&checksum), 1, Native.MPI_LONG_LONG, (IntPtr)gathered, 1, Native.MPI_LONG_LONG, Native.MPI_COMM_WORLD), "MPI_Allgather");
        }

        var differing = Enumerable.Range(0, Size).Where(r => all[r] != all[0]).ToArray();
        if (differing.Length == 0)
        {
            return;
        }

        throw new InvalidOperationException(
            $"Data-parallel replicas diverged at step {step}: the parameter checksum of rank(s) {string.Join(", ", differing)} " +
            $"({string.Join(", ", differing.Select(r => all[r].ToString("x16")))}) differs from rank 0's ({all[0]:x16}). " +
            "Every rank must start from the same seed or checkpoint, with the same build and options.");
    }

    /// <summary>Waits until every rank has reached this call (e.g. before all ranks read a checkpoint rank 0 wrote).</summary>
    public void Barrier() => MPI.Communicator.world.Barrier();

    /// <summary>Ends every process of the job with <paramref name="exitCode"/> (MPI_Abort): a failing rank calls it so
    /// the others do not wait forever in the next collective call.</summary>
    public void Abort(int exitCode) => Native.MPI_Abort(Native.MPI_COMM_WORLD, exitCode);

    /// <summary>Finalizes MPI (every rank must reach this point).</summary>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        this.environment.Dispose();
    }

    private static void Check(int code, string call)
    {
        if (code != 0)
        {
            throw new InvalidOperationException($"{call} failed with MPI error code {code}.");
        }
    }
}
