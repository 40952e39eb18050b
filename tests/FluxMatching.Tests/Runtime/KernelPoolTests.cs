namespace FluxMatching.Tests.Runtime;

using FluxMatching.Runtime;

/// <summary>The kernels' fork-join: every slice runs once, on distinct threads, with the caller's context; failures
/// reach the caller; nested and concurrent calls complete.</summary>
public class KernelPoolTests
{
    [Fact]
    public void Every_slice_runs_exactly_once_and_the_call_returns_after_all_of_them()
    {
        for (int round = 0; round < 200; round++)
        {
            var hits = new int[3];
            KernelPool.For(3, t =>
            {
                Thread.SpinWait(t * 200);   // slices finish at different times
                Interlocked.Increment(ref hits[t]);
            });
            Assert.Equal([1, 1, 1], hits);
        }
    }

    [Fact]
    public void Slice_zero_runs_on_the_calling_thread_and_a_worker_takes_the_others_while_it_runs()
    {
        int caller = Environment.CurrentManagedThreadId;
        var ids = new int[2];
        KernelPool.For(2, t =>
        {
            ids[t] = Environment.CurrentManagedThreadId;
            if (t == 0)
            {
                SpinWait.SpinUntil(() => Volatile.Read(ref ids[1]) != 0, TimeSpan.FromSeconds(10));   // slice 0 is busy
            }
        });
        Assert.Equal(caller, ids[0]);
        Assert.NotEqual(caller, ids[1]);
    }

    [Fact]
    public void Each_slice_runs_once_when_the_caller_and_a_waking_worker_race_to_take_it()
    {
        var hits = new int[2];
        for (int i = 0; i < 200; i++)
        {
            if (i % 20 == 0)
            {
                Thread.Sleep((KernelPool.SpinMicroseconds / 1000) + 2);   // the worker sleeps: the caller is often first
            }

            KernelPool.For(2, t => Interlocked.Increment(ref hits[t]));
        }

        Assert.Equal([200, 200], hits);
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(2, 4)]
    [InlineData(2, 37)]
    [InlineData(3, 8)]
    public void ForEach_runs_every_item_exactly_once_whichever_thread_claims_it(int threads, int items)
    {
        var hits = new int[items];
        for (int round = 0; round < 50; round++)
        {
            KernelPool.ForEach(threads, items, i => Interlocked.Increment(ref hits[i]));
        }

        Assert.All(hits, h => Assert.Equal(50, h));
    }

    [Fact]
    public void ForEach_rethrows_a_failing_item_after_the_others_finished()
    {
        int finished = 0;
        var e = Assert.Throws<InvalidOperationException>(() => KernelPool.ForEach(2, 6, i =>
        {
            if (i == 3)
            {
                throw new InvalidOperationException("item 3 failed");
            }

            Interlocked.Increment(ref finished);
        }));
        Assert.Equal("item 3 failed", e.Message);
        Assert.Equal(5, finished);   // the thread that failed stops taking items; the other (or the caller) drains the rest
    }

    [Fact]
    public void A_forced_instruction_set_flows_to_the_workers_with_the_callers_context()
    {
        var seen = new InstructionSet[3];
        using (Isa.Force(InstructionSet.None))
        {
            KernelPool.For(3, t => seen[t] = Isa.Current);
        }

        Assert.All(seen, s => Assert.Equal(InstructionSet.None, s));
        KernelPool.For(3, t => seen[t] = Isa.Current);
        Assert.All(seen, s => Assert.Equal(Isa.Current, s));
    }

    [Fact]
    public void A_failing_slice_rethrows_its_own_exception_after_the_other_slices_finished()
    {
        int finished = 0;
        var e = Assert.Throws<InvalidOperationException>(() => KernelPool.For(3, t =>
        {
            if (t == 2)
            {
                throw new InvalidOperationException("slice 2 failed");
            }

            Thread.Sleep(20);
            Interlocked.Increment(ref finished);
        }));
        Assert.Equal("slice 2 failed", e.Message);
        Assert.Equal(2, finished);

        var hits = new int[3];   // the pool still works afterwards
        KernelPool.For(3, t => hits[t]++);
        Assert.Equal([1, 1, 1], hits);
    }

    [Fact]
    public void A_failing_first_slice_still_waits_for_the_others()
    {
        int finished = 0;
        Assert.Throws<InvalidOperationException>(() => KernelPool.For(2, t =>
        {
            if (t == 0)
            {
                throw new InvalidOperationException("slice 0 failed");
            }

            Thread.Sleep(20);
            Interlocked.Increment(ref finished);
        }));
        Assert.Equal(1, Volatile.Read(ref finished));
    }

    [Fact]
    public void A_call_inside_a_slice_and_calls_from_several_threads_at_once_all_complete()
    {
        long total = 0;
        Parallel.For(0, 8, _ =>
        {
            for (int i = 0; i < 50; i++)
            {
                KernelPool.For(2, t => KernelPool.For(2, u => Interlocked.Increment(ref total)));
            }
        });
        Assert.Equal(8 * 50 * 4, total);
    }

    [Fact]
    public void A_worker_that_went_to_sleep_wakes_for_the_next_call()
    {
        var hits = new int[2];
        KernelPool.For(2, t => hits[t]++);
        Thread.Sleep(5 * KernelPool.SpinMicroseconds / 1000 + 20);   // past the spin: the worker sleeps
        KernelPool.For(2, t => hits[t]++);
        Assert.Equal([2, 2], hits);
    }
}
