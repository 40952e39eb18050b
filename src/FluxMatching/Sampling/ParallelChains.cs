namespace FluxMatching.Sampling;

using FluxMatching.Data;
using FluxMatching.Fields;
using FluxMatching.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Runs the samplers' update x ← x + a_k f(x; σ_k) + b_k ξ_k for an MLP drift on the CPU with the chains split into
/// one contiguous block per dedicated thread: each thread steps its block on its own for a chunk of steps, so there is
/// no per-operation fork/join. A float32 field on a 512-bit CPU takes the fused pass (<see cref="FusedMlpDrift"/>:
/// weights packed once per run, every layer on 8-chain tiles in L1, no libtorch call per step), also on one thread;
/// otherwise each block makes single-threaded libtorch calls through <see cref="MlpField.Infer"/>. The noise of a chunk
/// of steps is drawn at once from the generator, which gives exactly the numbers of step-by-step draws when N·D is a
/// multiple of 16 (libtorch's CPU normal sampler works in blocks of 16); the samplers use this path only then, so
/// every draw is the one the sequential loop would make.
/// </summary>
internal static class ParallelChains
{
    private const int ChunkSteps = 50;
    private const int MinChainsPerThread = 128;

    /// <summary>True when <see cref="Run"/> applies: an MLP drift on the CPU, no trajectory, N·D a multiple of 16, and
    /// either several libtorch threads with enough chains or the fused float32 pass.</summary>
    public static bool Applicable(IVectorField field, Tensor x, int recordEvery) =>
        field is MlpField && recordEvery == 0 && x.device_type == DeviceType.CPU && x.dim() == 2
        && x.numel() % 16 == 0
        && (Threads(x) >= 2 || (x.dtype == ScalarType.Float32 && PackedGemm.Enabled && PackedGemm.Supported));

    /// <summary>Steps the chains in place.</summary>
    /// <param name="field">The MLP drift.</param>
    /// <param name="x">Chain states [N, D], contiguous; updated in place.</param>
    /// <param name="steps">Number of steps.</param>
    /// <param name="sigmaAt">σ_k given to the field at step k (null for a field that is not noise-conditioned).</param>
    /// <param name="drift">a_k.</param>
    /// <param name="noise">b_k.</param>
    /// <param name="generator">The noise generator.</param>
    public static void Run(MlpField field, Tensor x, int steps, Func<int, double?> sigmaAt, Func<int, double> drift,
        Func<int, double> noise, Generator? generator)
    {
        using var plan = x.dtype == ScalarType.Float32 ? field.CreateDriftPlan() : null;
        var step = new StepFactors(sigmaAt, drift, noise);
        int threads = Math.Max(1, Threads(x));
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
                    long lo = t * per, hi = Math.Min(n, (t + 1) * per);
                    if (plan is not null)
                    {
                        StepBlockFused(plan, x, lo, hi, first, count, step, xi);
                    }
                    else
                    {
                        StepBlock(field, x, lo, hi, first, count, step, xi);
                    }
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
        for (int k = 0; k < count; k++)
        {
            int i = first + k;
            plan.Step(chains, noise + (k * n * d), rows, (float)step.Drift(i), (float)step.Noise(i),
                (float)(step.SigmaAt(i) ?? 0));
        }
    }

    /// <summary>Rows [lo, hi) for <paramref name="count"/> steps from step <paramref name="first"/>, with
    /// single-threaded libtorch calls and kernels on this thread.</summary>
    private static void StepBlock(MlpField field, Tensor x, long lo, long hi, int first, int count, StepFactors step,
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

    private static int Threads(Tensor x) =>
        (int)Math.Min(Math.Min(torch.get_num_threads(), Environment.ProcessorCount), x.shape[0] / MinChainsPerThread);

    /// <summary>The per-step factors of the update.</summary>
    private sealed record StepFactors(Func<int, double?> SigmaAt, Func<int, double> Drift, Func<int, double> Noise);
}
