namespace FluxMatching.Distributed.Tests;

using System.Text.Json;
using FluxMatching.Distributed.Tests.Support;
using FluxMatching.Distributed.Tests.Worker;

public class ReplicaConsistencyTests
{
    [MpiFact]
    public void Parameters_are_identical_on_both_ranks_after_50_steps_and_both_resume_from_the_checkpoint_rank_0_alone_wrote()
    {
        var dir = Directory.CreateTempSubdirectory("flux-mpi-replicas-").FullName;
        var run = MpiLauncher.Run(2, TimeSpan.FromMinutes(3), "replicas", dir);
        Assert.True(run.ExitCode == 0, $"mpiexec exit {run.ExitCode?.ToString() ?? "none (timed out)"}:\n{run.Output}");
        var ranks = Enumerable.Range(0, 2).Select(r => JsonSerializer.Deserialize<StepRecord>(File.ReadAllText(Path.Combine(dir, $"rank{r}.json")))!).ToArray();

        Assert.True(File.Exists(Path.Combine(dir, "checkpoint-rank0.pt")));
        Assert.False(File.Exists(Path.Combine(dir, "checkpoint-rank1.pt")), "only rank 0 writes checkpoints");
        Assert.All(ranks, r => Assert.Equal(50, r.Steps));
        Assert.Equal(ranks[0].After, ranks[1].After);                  // bit for bit (each rank drew different data)
        Assert.Equal(ranks[0].Loss, ranks[1].Loss);                    // the all-reduced mean loss
    }

    [MpiFact]
    public void Ranks_whose_parameters_diverge_stop_with_a_checksum_error()
    {
        var run = MpiLauncher.Run(2, TimeSpan.FromMinutes(2), "diverge", Path.GetTempPath());
        Assert.True(run.ExitCode is not null, $"the job hung:\n{run.Output}");
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("replicas diverged at step 10", run.Output);
        Assert.Contains("rank(s) 1", run.Output);
    }

    [MpiFact]
    public void A_rank_that_throws_stops_every_rank_with_its_error()
    {
        var run = MpiLauncher.Run(2, TimeSpan.FromMinutes(2), "throw", Path.GetTempPath());
        Assert.True(run.ExitCode is not null, $"the job hung (rank 0 kept waiting in the all-reduce):\n{run.Output}");
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("rank 1 of 2: injected failure on rank 1 at step 3", run.Output);
    }
}
