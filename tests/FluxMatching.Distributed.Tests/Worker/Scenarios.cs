namespace FluxMatching.Distributed.Tests.Worker;

using FluxMatching.Models;
using FluxMatching.Training;

/// <summary>The models and options the worker and the in-process oracles share.</summary>
public static class Scenarios
{
    /// <summary>Seed of initialization (every rank) and of rank 0's draws.</summary>
    public const long Seed = 3;

    /// <summary>A small float64 fixed-σ Flux model on the ring (the equality test).</summary>
    public static FluxModel SmallModel() =>
        new(new FluxModelConfig { Data = "ring", Hidden = 16, Depth = 2, Sigma2 = 0.05 }, Seed);

    /// <summary>Options of the equality test: one float64 step (the default fused Adam), no EMA, no clipping.</summary>
    public static TrainerOptions StepOptions(IGradientReducer? reducer) => new()
    {
        Steps = 1, Batch = 64, LearningRate = 1e-2, EmaDecay = 0, Dtype = ScalarType.Float64, Seed = Seed,
        ProgressEvery = 1, GradientReducer = reducer,
    };

    /// <summary>All trainable parameters, flattened in order, as float64 values.</summary>
    public static double[] Flatten(FluxModel model)
    {
        using var scope = NewDisposeScope();
        var flat = cat(model.TrainableParameters().Select(p => p.detach().reshape(-1)).ToArray()).to(ScalarType.Float64).cpu();
        return flat.data<double>().ToArray();
    }
}
