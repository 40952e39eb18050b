namespace FluxMatching.Runtime;

using System.Diagnostics;
using System.Runtime.ExceptionServices;

/// <summary>
/// The fork-join of the fused CPU kernels (<see cref="KernelThreads"/>): long-lived worker threads, one fewer than the
/// slices of a call, take slices 1…n−1 while the calling thread runs slice 0. After a slice a worker spins for
/// <see cref="SpinMicroseconds"/> waiting for the next one before it sleeps, so the tens-of-microseconds kernels of an
/// MLP training step (libtorch runs single-threaded between them) start on every core at once. A slice that no worker
/// has started when the caller finishes its own runs on the caller (a worker asleep, or its core taken by another
/// process on a shared machine, then costs nothing more than the slice itself). A thread-pool
/// <c>Parallel.For</c> left slice 1 to the calling thread whenever its worker woke late: ring2d-dsm with two threads
/// was slower than with one. The caller's execution context (a test's <see cref="Isa.Force"/>) flows to the workers,
/// and the workers flush denormals once the process does (<see cref="TorchRuntime.Configure"/>). A call made inside a
/// slice runs its slices in turn on that thread; a call from a second thread while the pool is busy falls back to
/// <c>Parallel.For</c>.
/// </summary>
internal static class KernelPool
{
    /// <summary>How long an idle worker spins for the next slice before it sleeps (µs).</summary>
    internal const int SpinMicroseconds = 2000;

    private static readonly object Gate = new();
    private static readonly List<Worker> Workers = [];

    [ThreadStatic]
    private static bool inSlice;

    /// <summary>Runs <paramref name="body"/>(i) for every item i in [0, <paramref name="items"/>) on up to
    /// <paramref name="threads"/> threads (the caller and <paramref name="threads"/> − 1 workers), each taking the next
    /// unclaimed item until none is left: a worker that starts late, or is descheduled, takes fewer items instead of
    /// holding the others up. Rethrows the first failure.</summary>
    /// <param name="threads">Threads to use (≥ 1).</param>
    /// <param name="items">Number of items; several per thread let the threads even out.</param>
    /// <param name="body">One item's work.</param>
    public static void ForEach(int threads, int items, Action<int> body)
    {
        if (threads <= 1 || items <= 1 || inSlice)
        {
            for (int i = 0; i < items; i++)
            {
                body(i);
            }

            return;
        }

        int next = -1;
        For(Math.Min(threads, items), _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < items)
            {
                body(i);
            }
        });
    }

    /// <summary>Runs <paramref name="body"/>(t) for t in [0, <paramref name="count"/>): slice 0 on the calling thread,
    /// the others on the pool's workers; returns when every slice has finished and rethrows the first failure.</summary>
    /// <param name="count">Number of slices (≥ 1); at most the processor count is useful.</param>
    /// <param name="body">The slice's work.</param>
    public static void For(int count, Action<int> body)
    {
        if (count <= 1 || inSlice)
        {
            for (int t = 0; t < count; t++)
            {
                body(t);
            }

            return;
        }

        if (!Monitor.TryEnter(Gate))
        {
            Parallel.For(0, count, body);
            return;
        }

        try
        {
            inSlice = true;
            var context = ExecutionContext.Capture();
            while (Workers.Count < count - 1)
            {
                Workers.Add(new Worker(Workers.Count + 1));
            }

            for (int t = 1; t < count; t++)
            {
                Workers[t - 1].Post(body, t, context);
            }

            Exception? failure = null;
            try
            {
                body(0);
            }
            catch (Exception e)
            {
                failure = e;
            }

            for (int t = 1; t < count; t++)
            {
                var error = Workers[t - 1].Join(body);   // every slice joined, also after a failure
                failure ??= error;
            }

            if (failure is not null)
            {
                ExceptionDispatchInfo.Throw(failure);
            }
        }
        finally
        {
            inSlice = false;
            Monitor.Exit(Gate);
        }
    }

    /// <summary>One long-lived worker: waits (spinning, then sleeping) for a posted slice, runs it, reports done.</summary>
    private sealed class Worker
    {
        private static readonly long SpinTicks = Stopwatch.Frequency * SpinMicroseconds / 1_000_000;
        private readonly ManualResetEventSlim wake = new(false, spinCount: 0);
        private Action<int>? body;
        private ExecutionContext? context;
        private int slice;
        private const int Idle = 0, Posted = 1, Claimed = 2;
        private int pending;    // Posted from Post until the worker or the caller claims the slice, Idle once it has run
        private int sleeping;   // 1 while the worker is (about to be) blocked on wake
        private Exception? error;
        private bool flushesDenormals;

        public Worker(int index) =>
            new Thread(Loop) { IsBackground = true, Name = $"flux-kernels-{index}" }.Start();

        /// <summary>Hands the worker slice <paramref name="t"/> (the worker must be idle).</summary>
        public void Post(Action<int> work, int t, ExecutionContext? flow)
        {
            body = work;
            slice = t;
            context = flow;
            error = null;
            Interlocked.Exchange(ref pending, Posted);   // a full fence: the job is visible before sleeping is read
            if (Volatile.Read(ref sleeping) == 1)
            {
                wake.Set();
            }
        }

        /// <summary>Waits for the posted slice to finish, or runs it on the calling thread when the worker has not
        /// started it yet (asleep, or its core taken by another process: the slice then costs what it would have cost
        /// the worker, instead of a wake-up or a time slice more); returns its failure or null.</summary>
        public Exception? Join(Action<int> work)
        {
            if (Interlocked.CompareExchange(ref pending, Claimed, Posted) == Posted)
            {
                try
                {
                    work(slice);
                }
                catch (Exception e)
                {
                    error = e;
                }

                body = null;
                context = null;
                Volatile.Write(ref pending, Idle);
                return error;
            }

            var spin = default(SpinWait);
            while (Volatile.Read(ref pending) != Idle)
            {
                spin.SpinOnce(sleep1Threshold: -1);
            }

            return error;
        }

        private void Loop()
        {
            inSlice = true;   // a kernel call made inside a slice runs in turn on this thread
            while (true)
            {
                Await();
                if (Interlocked.CompareExchange(ref pending, Claimed, Posted) != Posted)
                {
                    continue;   // the caller took the slice
                }

                try
                {
                    if (!flushesDenormals && TorchRuntime.DenormalsFlushed)
                    {
                        flushesDenormals = TorchRuntime.SetFlushDenormal(true);
                    }

                    if (context is null)
                    {
                        body!(slice);
                    }
                    else
                    {
                        ExecutionContext.Run(context, static state => ((Worker)state!).RunSlice(), this);
                    }
                }
                catch (Exception e)
                {
                    error = e;
                }

                body = null;
                context = null;
                Volatile.Write(ref pending, Idle);
            }
        }

        private void RunSlice() => body!(slice);

        /// <summary>Spins up to <see cref="SpinTicks"/> for a posted slice, then sleeps until one is posted.</summary>
        private void Await()
        {
            long deadline = Stopwatch.GetTimestamp() + SpinTicks;
            while (Volatile.Read(ref pending) != Posted)
            {
                if (Stopwatch.GetTimestamp() < deadline)
                {
                    Thread.SpinWait(20);
                    continue;
                }

                wake.Reset();
                Interlocked.Exchange(ref sleeping, 1);   // a full fence: Post sees sleeping, or this sees pending
                if (Volatile.Read(ref pending) != Posted)
                {
                    wake.Wait();
                }

                Volatile.Write(ref sleeping, 0);
                deadline = Stopwatch.GetTimestamp() + SpinTicks;
            }
        }
    }
}
