namespace FluxMatching.Training;

using FluxMatching.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>Gradient accumulation of <see cref="TrainerOptions.MicroBatches"/> (the authors' multi-GPU exp3 step on
/// one device).</summary>
public sealed partial class TrainingSession
{
    /// <summary>
    /// One optimizer step over M micro-batches: each draws its own batch of Batch/M samples (σ, t, kernel) and is
    /// back-propagated at once with weight 1/M, so the gradients accumulate to the mean of the micro-batches'
    /// gradients and only one micro-batch graph is alive at a time. The loss is the mean of the micro-batch losses.
    /// </summary>
    private StepOutcome StepAccumulated(int m)
    {
        if (!gradientsClear)
        {
            ZeroGrad();
        }

        using var weight = (1.0 / m).ToScalar();
        double value = 0.0;
        Tensor? sum = null;
        for (int i = 0; i < m; i++)
        {
            using var micro = torch.NewDisposeScope();
            var scaled = MicroBatchObjective().mul(weight);
            if (onCpu)
            {
                double v = scaled.ItemAsDouble();
                if (!double.IsFinite(v))
                {
                    // (data-parallel: the NaN makes every replica skip this step)
                    double reported = this.replicas?.Average(v, this.model.StepsTrained) ?? v;
                    ZeroGrad();
                    return new StepOutcome(reported, double.NaN, Applied: false);
                }

                value += v;
            }
            else
            {
                var next = sum is null ? scaled.detach().clone() : sum.add(scaled.detach(), Scalars.One);
                sum = next.MoveToOuterDisposeScope();
            }

            scaled.backward();
            gradientsClear = false;
        }

        if (!onCpu)
        {
            return FinishOffCpu(sum!);
        }

        if (this.replicas is not null)
        {
            value = this.replicas.Average(value, this.model.StepsTrained);   // one all-reduce: mean gradients and loss
        }

        return FinishOnCpu(value);
    }
}
