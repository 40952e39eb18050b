namespace FluxMatching.Distributed;

/// <summary>
/// Runs one rank of an MPI job so that a failure on any rank ends every rank: the body's exception (or non-zero exit
/// code) is printed as one line and the job is aborted, instead of leaving the other ranks waiting in their next
/// all-reduce.
/// </summary>
public static class MpiJob
{
    /// <summary>Time a failing rank waits after printing its error before it aborts the job.</summary>
    private static readonly TimeSpan AbortGrace = TimeSpan.FromMilliseconds(500);

    /// <summary>Initializes MPI, runs <paramref name="body"/> with this rank's reducer, and finalizes MPI.</summary>
    /// <param name="body">The rank's work; returns the exit code (0: success).</param>
    /// <param name="checksumEvery">Steps between parameter checksums (0: never).</param>
    /// <returns>0 after every rank succeeded; a failing rank aborts the whole job with its exit code (1 for an
    /// exception), so this method does not return there.</returns>
    public static int Run(Func<MpiGradientReducer, int> body, int checksumEvery = MpiGradientReducer.DefaultChecksumEvery)
    {
        ArgumentNullException.ThrowIfNull(body);
        MpiGradientReducer reducer;
        try
        {
            reducer = MpiGradientReducer.Start(checksumEvery);
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException)
        {
            Console.Error.WriteLine((e.InnerException as DllNotFoundException ?? e).Message);
            return 1;
        }

        int code;
        try
        {
            code = body(reducer);
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"rank {reducer.Rank} of {reducer.Size}: {e.Message}");
            code = 1;
        }

        if (code != 0)
        {
            Console.Out.Flush();
            Console.Error.Flush();

            // The line travels through a pipe to MPICH's Hydra proxy, which forwards it to mpiexec. MPI_Abort makes the
            // proxy kill every process at once, and it could exit before forwarding the line, leaving a failed job with
            // no message (seen in about one test run in twenty). Give the proxy a moment to forward it first.
            Thread.Sleep(AbortGrace);
            reducer.Abort(code);
        }

        reducer.Dispose();
        return code;
    }
}
