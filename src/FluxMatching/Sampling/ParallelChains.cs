namespace FluxMatching.Sampling;

using FluxMatching.Data;
using FluxMatching.Fields;
using FluxMatching.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Runs the samplers' update x ← x + a_k f(x; σ_k) + b_k ξ_k for a fused sampler drift (<see cref="IFusedSamplerDrift"/>, e.g. an MLP) on the CPU with the chains split into
/// one contiguous block per dedicated thread: each thread steps its block on its own for a chunk of steps, so there is
/// no per-operation fork/join. A float32 field on an AVX2 or AVX-512 CPU takes the fused pass (<see cref="FusedMlpDrift"/>:
/// weights packed once per run, every layer on 8-chain tiles in L1, no libtorch call per step), also on one thread;
/// otherwise each block makes single-threaded libtorch calls through <see cref="IFusedSamplerDrift.Infer"/>. The noise of a chunk
/// of steps is drawn at once from the generator, which gives exactly the numbers of step-by-step draws when N·D is a
/// multiple of 16 (libtorch's CPU normal sampler works in blocks of 16); the samplers use this path only then, so
/// every draw is the one the sequential loop would make.
/// </summary>
internal static class ParallelChains
{
    private const int ChunkSteps = 50;
    private const int MinChainsPerThread = 128;

    /// <summary>True when <see cref="Run"/> applies: a fused sampler drift on the CPU, no trajectory, N·D a multiple of 16, and
    /// either several libtorch threads with enough chains or the fused float32 pass.</summary>
    public static bool Applicable(IVectorField field, Tensor x, int recordEvery) =>
        FieldCapabilities.SamplerDrift(field, x) is not null && recordEvery == 0 && x.device_type == DeviceType.CPU && x.dim() == 2
        && x.numel() % 16 == 0
        && (Threads(x) >= 2 || (x.dtype == ScalarType.Float32 && PackedGemm.Enabled && PackedGemm.Supported));

    /// <summary>Steps the chains in place.</summary>
    /// <param name="field">The fused drift.</param>
    /// <param name="x">Chain states [N, D], contiguous; updated in place.</param>
    /// <param name="steps">Number of steps.</param>
    /// <param name="sigmaAt">σ_k given to the field at step k (null for a field that is not noise-conditioned).</param>
    /// <param name="drift">a_k.</param>
    /// <param name="noise">b_k.</param>
    /// <param name="generator">The noise generator.</param>
    public static void Run(IFusedSamplerDrift field, Tensor x, int steps, Func<int, double?> sigmaAt, Func<int, double> drift,
        Func<int, double> noise, Generator? generator)
    {
        using var plan = x.dtype == ScalarType.Float32 ? field.CreateDriftPlan() : null;
        var step = new StepFactors(sigmaAt, drift, noise);
        int threads = Math.Max(1, Threads(x));
        // The chain threads do all the work: with libtorch's intra-op pool left at n threads, the noise draw wakes its
        // OpenMP workers, which then spin on the cores the chain threads need.
        int intraOp = torch.get_num_threads();
        torch.set_num_threads(1);
        try
        {
            RunChunks(field, plan, x, steps, step, threads, generator);
        }
        finally
        {
            torch.set_num_threads(intraOp);
        }
    }

    private static void RunChunks(IFusedSamplerDrift field, FusedMlpDrift? plan, Tensor x, int steps, StepFactors step,
        int threads, Generator? generator)
    {
        long n = x.shape[0];
        int chunks = (steps + ChunkSteps - 1) / ChunkSteps;
        var bounds = new long[chunks][];   // per chunk, written before the barrier that starts it, then read-only
        bounds[0] = Split(n, threads, n / threads);
        var noise = new Tensor?[chunks];
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        Tensor Draw(int c) => RandomDraws.Randn([Math.Min(ChunkSteps, steps - (c * ChunkSteps)), n, x.shape[1]],
            x.dtype, x.device, generator);

        void Block(int t, int c)
        {
            if (!failures.IsEmpty)
            {
                return;
            }

            try
            {
                long lo = bounds[c][t], hi = bounds[c][t + 1];
                int first = c * ChunkSteps, count = Math.Min(ChunkSteps, steps - first);
                if (plan is not null)
                {
                    StepBlockFused(plan, x, lo, hi, first, count, step, noise[c]!);
                }
                else
                {
                    StepBlock(field, x, lo, hi, first, count, step, noise[c]!);
                }
            }
            catch (Exception e)
            {
                failures.Enqueue(e);
            }
        }

        // Long-lived dedicated threads, one per block, meeting at a barrier before every chunk: not Parallel.For (a
        // thread-pool worker slow to wake left blocks to the calling thread) and not a new thread per chunk. The
        // calling thread steps block 0 and then draws the next chunk's noise while the others finish theirs (the draws
        // stay in order on one generator); its block is made smaller by the rows the draw is worth, measured as it
        // runs, so all threads reach the barrier together. The split changes no number: chains are independent.
        double drawRows = 0;
        void DrawNext(int c)   // noise of chunk c + 1, on the calling thread, in order
        {
            try
            {
                if (failures.IsEmpty)
                {
                    noise[c + 1] = Draw(c + 1);
                }
            }
            catch (Exception e)
            {
                failures.Enqueue(e);
            }
        }

        long[] Rebalance(int c, long blockTicks, long drawTicks)   // bounds of chunk c + 1
        {
            long rows = bounds[c][1];
            if (threads == 1 || rows <= 0 || blockTicks <= 0)
            {
                return bounds[c];
            }

            double worth = (double)drawTicks / blockTicks * rows;   // rows of chain work the draw takes; smoothed
            drawRows = c == 0 ? worth : (0.5 * drawRows) + (0.5 * worth);
            return Split(n, threads, (long)((n - ((threads - 1) * drawRows)) / threads));
        }

        using var barrier = new Barrier(threads);
        var workers = new Thread[threads - 1];
        for (int t = 1; t < threads; t++)
        {
            int index = t;
            workers[t - 1] = new Thread(() =>
            {
                for (int c = 0; c < chunks; c++)
                {
                    barrier.SignalAndWait();
                    Block(index, c);
                }
            }) { IsBackground = true };
            workers[t - 1].Start();
        }

        // Every thread passes every barrier, also after a failure (the blocks are then skipped), so none is left waiting.
        try
        {
            DrawNext(-1);
            for (int c = 0; c < chunks; c++)
            {
                barrier.SignalAndWait();   // chunk c − 1 done everywhere, noise c drawn
                if (c > 0)
                {
                    noise[c - 1]?.Dispose();
                    noise[c - 1] = null;
                }

                long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
                Block(0, c);
                if (c + 1 < chunks)
                {
                    long t1 = System.Diagnostics.Stopwatch.GetTimestamp();
                    DrawNext(c);
                    bounds[c + 1] = Rebalance(c, t1 - t0, System.Diagnostics.Stopwatch.GetTimestamp() - t1);
                }
            }
        }
        finally
        {
            foreach (var worker in workers)
            {
                worker.Join();
            }

            foreach (var t in noise)
            {
                t?.Dispose();
            }
        }

        if (!failures.IsEmpty)
        {
            throw new AggregateException(failures);
        }
    }

    /// <summary>Rows [lo, hi) for <paramref name="count"/> steps from step <paramref name="first"/> by the fused pass.</summary>
    private static unsafe void StepBlockFused(FusedMlpDrift plan, Tensor x, long lo, long hi, int first, int count,
        StepFactors step, Tensor xi)
    {
        long rows = hi - lo, n = x.shape[0];
        if (rows <= 0)
        {
            return;
        }

        if (TorchRuntime.DenormalsFlushed)
        {
            TorchRuntime.SetFlushDenormal(true);   // the flag is per thread
        }

        int d = plan.Dimension;
        float* chains = TensorMemory.Pointer<float>(x) + (lo * d);
        float* noise = TensorMemory.Pointer<float>(xi) + (lo * d);
        using var workspace = plan.NewWorkspace();
        for (int k = 0; k < count; k++)
        {
            int i = first + k;
            plan.Step(workspace, chains, noise + (k * n * d), rows, (float)step.Drift(i), (float)step.Noise(i),
                (float)(step.SigmaAt(i) ?? 0));
        }
    }

    /// <summary>Rows [lo, hi) for <paramref name="count"/> steps from step <paramref name="first"/>, with
    /// single-threaded libtorch calls and kernels on this thread.</summary>
    private static void StepBlock(IFusedSamplerDrift field, Tensor x, long lo, long hi, int first, int count, StepFactors step,
        Tensor xi)
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
                int i = first + k;
                var sigma = step.SigmaAt(i) is double s ? torch.tensor(s, x.dtype, x.device) : null;
                using var a = step.Drift(i).ToScalar();
                using var b = step.Noise(i).ToScalar();
                var f = field.Infer(chains, sigma);
                chains.add_(f, a).add_(xi[k].narrow(0, lo, rows), b);
            }
        }
        finally
        {
            torch.set_num_threads(restore);
        }
    }

    /// <summary>Block bounds [threads + 1]: the calling thread's block of about <paramref name="first"/> rows (kept
    /// between half and all of an even share, a multiple of 8), the rest in equal blocks.</summary>
    private static long[] Split(long n, int threads, long first)
    {
        long even = n / threads;
        long rows = threads == 1 ? n : Math.Clamp(first / 8 * 8, even / 2, even);
        var bounds = new long[threads + 1];
        bounds[1] = rows;
        long rest = n - rows, per = threads > 1 ? (rest + threads - 2) / (threads - 1) : 0;
        for (int t = 2; t <= threads; t++)
        {
            bounds[t] = Math.Min(n, rows + ((t - 1) * per));
        }

        bounds[threads] = n;
        return bounds;
    }

    private static int Threads(Tensor x) =>
        (int)Math.Min(Math.Min(torch.get_num_threads(), Environment.ProcessorCount), x.shape[0] / MinChainsPerThread);

    /// <summary>The per-step factors of the update.</summary>
    private sealed record StepFactors(Func<int, double?> SigmaAt, Func<int, double> Drift, Func<int, double> Noise);
}
