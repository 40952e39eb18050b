namespace FluxMatching.Sampling;

using FluxMatching.Data;
using FluxMatching.Fields;
using FluxMatching.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Runs the samplers' update x ← x + a_k f(x; σ_k) + b_k ξ_k for an MLP drift on the CPU with the chains split into
/// one contiguous block per dedicated thread: each thread steps its block on its own (single-threaded libtorch calls, fused
/// thin layers) for a chunk of steps, so there is no per-operation fork/join. The noise of a chunk of steps is drawn
/// at once from the generator, which gives exactly the numbers of step-by-step draws when N·D is a multiple of 16
/// (libtorch's CPU normal sampler works in blocks of 16); the samplers use this path only then, so every draw is the
/// one the sequential loop would make.
/// </summary>
internal static class ParallelChains
{
    private const int ChunkSteps = 50;
    private const int MinChainsPerThread = 128;

    /// <summary>True when <see cref="Run"/> applies: an MLP drift on the CPU, no trajectory, several libtorch threads,
    /// enough chains, and N·D a multiple of 16.</summary>
    public static bool Applicable(IVectorField field, Tensor x, int recordEvery) =>
        field is MlpField && recordEvery == 0 && x.device_type == DeviceType.CPU && x.dim() == 2
        && x.numel() % 16 == 0 && Threads(x) >= 2;

    /// <summary>Steps the chains in place.</summary>
    /// <param name="field">The MLP drift.</param>
    /// <param name="x">Chain states [N, D], contiguous; updated in place.</param>
    /// <param name="steps">Number of steps.</param>
    /// <param name="sigmaAt">σ given to the field at step k (null for a field that is not noise-conditioned).</param>
    /// <param name="drift">a_k, one per step.</param>
    /// <param name="noise">b_k, one per step.</param>
    /// <param name="generator">The noise generator.</param>
    public static void Run(MlpField field, Tensor x, int steps, Func<int, Tensor?> sigmaAt, Scalar[] drift,
        Scalar[] noise, Generator? generator)
    {
        int threads = Threads(x);
        long n = x.shape[0];
        long per = (n + threads - 1) / threads;
        for (int start = 0; start < steps; start += ChunkSteps)
        {
            int count = Math.Min(ChunkSteps, steps - start);
            using var scope = NewDisposeScope();
            var xi = RandomDraws.Randn([count, n, x.shape[1]], x.dtype, x.device, generator);
            int first = start;
            var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
            void Block(int t)
            {
                try
                {
                    StepBlock(field, x, t * per, Math.Min(n, (t + 1) * per), first, count, sigmaAt, drift, noise, xi);
                }
                catch (Exception e)
                {
                    failures.Enqueue(e);
                }
            }

            // Dedicated threads, not Parallel.For: a thread-pool worker that is slow to wake leaves blocks to the
            // calling thread (flux bench --config langevin --threads 2: 466–579 ms with Parallel.For, 394 ms here).
            var workers = new Thread[threads - 1];
            for (int t = 1; t < threads; t++)
            {
                int index = t;
                workers[t - 1] = new Thread(() => Block(index)) { IsBackground = true };
                workers[t - 1].Start();
            }

            Block(0);
            foreach (var worker in workers)
            {
                worker.Join();
            }

            if (!failures.IsEmpty)
            {
                throw new AggregateException(failures);
            }
        }
    }

    /// <summary>Steps rows [lo, hi) for <paramref name="count"/> steps from step <paramref name="first"/>, with
    /// single-threaded libtorch calls and kernels on this thread.</summary>
    private static void StepBlock(MlpField field, Tensor x, long lo, long hi, int first, int count,
        Func<int, Tensor?> sigmaAt, Scalar[] drift, Scalar[] noise, Tensor xi)
    {
        long rows = hi - lo;
        if (rows <= 0)
        {
            return;
        }

        if (TorchRuntime.DenormalsFlushed)
        {
            TorchRuntime.SetFlushDenormal(true);   // the flag is per thread
        }

        int restore = torch.get_num_threads();
        torch.set_num_threads(1);
        try
        {
            using var block = NewDisposeScope();
            var chains = x.narrow(0, lo, rows);
            for (int k = 0; k < count; k++)
            {
                using var stepScope = NewDisposeScope();
                var f = field.Infer(chains, sigmaAt(first + k));
                chains.add_(f, drift[first + k]).add_(xi[k].narrow(0, lo, rows), noise[first + k]);
            }
        }
        finally
        {
            torch.set_num_threads(restore);
        }
    }

    private static int Threads(Tensor x) =>
        (int)Math.Min(Math.Min(torch.get_num_threads(), Environment.ProcessorCount), x.shape[0] / MinChainsPerThread);
}
