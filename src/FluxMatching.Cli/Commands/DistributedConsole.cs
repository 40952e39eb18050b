namespace FluxMatching.Cli.Commands;

using FluxMatching.Distributed;

/// <summary>Console output of an MPI job (`--distributed`): rank 0 prints as usual, the other ranks print only errors.</summary>
internal static class DistributedConsole
{
    /// <summary>Silences standard output on ranks &gt; 0, announces the job on rank 0, and returns the reducer.</summary>
    public static MpiGradientReducer Quiet(MpiGradientReducer mpi)
    {
        if (mpi.Rank > 0)
        {
            Console.SetOut(TextWriter.Null);
        }
        else
        {
            Console.WriteLine($"flux train: data-parallel over {mpi.Size} MPI rank(s); rank r draws with seed + r, gradients averaged every step, rank 0 writes the run folder");
        }

        return mpi;
    }
}
