namespace FluxMatching.Distributed.Tests;

using FluxMatching.Distributed.Tests.Worker;
using FluxMatching.Training;

/// <summary>The core's data-parallel step with an in-process reducer (no MPI needed).</summary>
public class ReplicaGradientsTests
{
    [Fact]
    public void Replicas_that_all_hold_the_same_gradients_train_exactly_like_one_process()
    {
        var plain = Train(null, 3);
        var twin = new TwinReducer(checksumEvery: 2);
        var replicated = Train(twin, 3);
        Assert.Equal(plain.Parameters, replicated.Parameters);
        Assert.Equal(plain.Losses, replicated.Losses);
        Assert.Equal(3, twin.Sums);
        Assert.Equal([0L, 2L], twin.CheckedSteps);
    }

    [Fact]
    public void A_non_finite_loss_on_another_replica_makes_this_replica_skip_the_step()
    {
        using var model = Scenarios.SmallModel();
        var before = Scenarios.Flatten(model);
        using var session = new TrainingSession(model, Scenarios.StepOptions(new TwinReducer(0) { PoisonOther = true }));
        var outcome = session.Step();
        Assert.False(outcome.Applied);
        Assert.True(double.IsNaN(outcome.Loss));
        Assert.Equal(before, Scenarios.Flatten(model));
    }

    private static (double[] Parameters, double[] Losses) Train(IGradientReducer? reducer, int steps)
    {
        using var model = Scenarios.SmallModel();
        var result = Trainer.Train(model, Scenarios.StepOptions(reducer) with { Steps = steps });
        return (Scenarios.Flatten(model), result.Losses.ToArray());
    }

    /// <summary>Rank 0 of 2 whose other replica holds the same buffer (or NaN when poisoned).</summary>
    private sealed class TwinReducer(int checksumEvery) : IGradientReducer
    {
        public int Rank => 0;

        public int Size => 2;

        public int ChecksumEvery => checksumEvery;

        public bool PoisonOther { get; init; }

        public int Sums { get; private set; }

        public List<long> CheckedSteps { get; } = [];

        public void AllReduceSum(Tensor buffer)
        {
            Sums++;
            if (PoisonOther)
            {
                buffer.add_(double.NaN);
            }
            else
            {
                buffer.mul_(2);
            }
        }

        public void VerifyIdentical(long checksum, long step) => CheckedSteps.Add(step);
    }
}
