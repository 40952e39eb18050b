namespace FluxMatching.Models;

using FluxMatching.Training;

/// <summary>
/// The defaults the <c>flux</c> command and the <c>#!flux</c> notebook magic share, in one place: a model
/// configuration, training options, a sampling request and the sampler settings a request leaves open. Both surfaces
/// read their option defaults and help texts from here, so a default changes everywhere at once.
/// </summary>
public static class FluxDefaults
{
    /// <summary>Langevin steps when a request leaves them open: 2,000 (the authors' quickstart).</summary>
    public const int LangevinSteps = 2000;

    /// <summary>Reverse-SDE steps over the σ grid when a request leaves them open: 1,000.</summary>
    public const int ReverseSdeSteps = 1000;

    /// <summary>EDM Heun steps N when a request leaves them open: 50 (NFE 99, the authors' exp3 <c>edm_sample</c>).</summary>
    public const int HeunSteps = 50;

    /// <summary>Predictor–corrector steps N when a request leaves them open: 100 (NFE 200, within the authors' exp4
    /// sweep).</summary>
    public const int PredictorCorrectorSteps = 100;

    /// <summary>Langevin step size ε when a request leaves it open: 0.01 (the authors' quickstart).</summary>
    public const double LangevinStepSize = 0.01;

    /// <summary>Device name when none is given: "cpu" (see <see cref="Runtime.DeviceParser"/>).</summary>
    public const string Device = "cpu";

    /// <summary>The default model: ring data, MLP 2×128, fixed σ² = 0.05, flux loss (<see cref="FluxModelConfig"/>).</summary>
    public static FluxModelConfig Model { get; } = new();

    /// <summary>The default training: 5,000 Adam steps, batch 512, learning rate 1e-3, EMA 0.999, seed 0
    /// (<see cref="TrainerOptions"/>).</summary>
    public static TrainerOptions Training { get; } = new();

    /// <summary>The training defaults for a model: <see cref="TrainerOptions.Exp3"/> (the authors' image training: batch
    /// 128, Adam 1e-4, 2,500 warm-up steps, clipping at 1, EMA 0.9993) for the "unet" field, <see cref="Training"/>
    /// otherwise; shared by <c>flux train</c> and <c>#!flux train</c>.</summary>
    /// <param name="config">The model's configuration.</param>
    public static TrainerOptions TrainingFor(FluxModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return string.Equals(config.Field, "unet", StringComparison.OrdinalIgnoreCase) ? TrainerOptions.Exp3 : Training;
    }

    /// <summary>The default sampling: 2,000 chains, the model's sampler, seed 0 (<see cref="SamplingRequest"/>).
    /// Also the number of samples measured against as many fresh data points.</summary>
    public static SamplingRequest Sampling { get; } = new();

    /// <summary>The sampler a model uses when a request names none: EDM Heun for a "unet" model (the authors' exp3
    /// sampler), the reverse SDE for other annealed models, Langevin otherwise.</summary>
    /// <param name="config">The model's configuration.</param>
    public static SamplerKind SamplerFor(FluxModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (string.Equals(config.Field, "unet", StringComparison.OrdinalIgnoreCase))
        {
            return SamplerKind.Heun;
        }

        return config.Annealed ? SamplerKind.ReverseSde : SamplerKind.Langevin;
    }

    /// <summary>Sampler steps when a request leaves them open: <see cref="LangevinSteps"/>, <see cref="ReverseSdeSteps"/>,
    /// <see cref="HeunSteps"/> or <see cref="PredictorCorrectorSteps"/> (0 for the adaptive ODE, whose steps follow
    /// its tolerances).</summary>
    /// <param name="sampler">The sampler.</param>
    public static int StepsFor(SamplerKind sampler) => sampler switch
    {
        SamplerKind.ReverseSde => ReverseSdeSteps,
        SamplerKind.Heun => HeunSteps,
        SamplerKind.PredictorCorrector => PredictorCorrectorSteps,
        SamplerKind.ProbabilityFlowOde => 0,
        _ => LangevinSteps,
    };
}
