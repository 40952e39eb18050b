namespace FluxMatching.Models;

using System.Globalization;
using FluxMatching.Data;
using FluxMatching.Fields;
using FluxMatching.Sampling;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// The one routine that samples a model with the sampler a request names, shared by <c>flux sample</c>,
/// <c>#!flux sample</c> and <see cref="SampleEvaluation"/>: Langevin and the reverse SDE as
/// <see cref="FluxModel.Sample"/> runs them, and for any noise-conditioned field the EDM Heun, predictor–corrector and
/// adaptive probability-flow ODE samplers over the model's σ range [<see cref="FluxModelConfig.SigmaMin"/>,
/// <see cref="FluxModelConfig.SigmaMax"/>] (80 and 0.002 for the paper's image models), on the model's device and
/// dtype, with the EMA field when trained.
/// </summary>
public static class ModelSampling
{
    /// <summary>Draws samples with the requested sampler.</summary>
    /// <param name="model">The model (any device).</param>
    /// <param name="request">Sampler settings (null: <see cref="FluxDefaults.Sampling"/>); null members take the
    /// defaults of <see cref="FluxDefaults"/>.</param>
    /// <returns>Samples [N, D] on the model's device, the trajectory [T, N, D] when requested, the steps and the NFE.</returns>
    /// <exception cref="ArgumentException">A σ-grid sampler for a model that is not noise-conditioned, or settings out
    /// of range (one line naming them).</exception>
    public static SampleResult Sample(FluxModel model, SamplingRequest? request = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        request ??= FluxDefaults.Sampling;
        var kind = request.Sampler ?? FluxDefaults.SamplerFor(model.Config);
        if (kind is SamplerKind.Langevin or SamplerKind.ReverseSde)
        {
            return model.Sample(request);
        }

        Check(model, request, kind);
        var field = request.UseEma && model.StepsTrained > 0 ? model.Ema : model.Field;
        var dtype = field.DType;
        int frames = Math.Max(1, request.Frames);
        if (model.Device.type == DeviceType.CPU)
        {
            MemoryEstimate.Require(MemoryEstimate.Sampling(model.Config, model.Data.Dimension, request.N, request.RecordTrajectory ? frames : 0, dtype),
                "--n", request.N, "sampling");
        }

        bool clamp = request.ClampDenoised ?? model.Data is ImageDataSource;
        int steps = request.Steps ?? FluxDefaults.StepsFor(kind);
        int every = request.RecordTrajectory ? Math.Max(1, steps / frames) : 0;
        var config = model.Config;
        var generator = new Generator((ulong)request.Seed, model.Device);
        bool training = field.training;
        field.eval();   // dropout (a U-Net's) is off while sampling
        try
        {
            return kind switch
            {
                SamplerKind.Heun => new EdmHeunSampler(new EdmHeunOptions
                {
                    Steps = steps, SigmaMax = config.SigmaMax, SigmaMin = config.SigmaMin, ClampDenoised = clamp, RecordEvery = every,
                }).Sample(field, request.N, generator, model.Device, dtype),
                SamplerKind.PredictorCorrector => new PredictorCorrectorSampler(new PredictorCorrectorOptions
                {
                    Steps = steps, SigmaMax = config.SigmaMax, SigmaMin = config.SigmaMin, ClampDenoised = clamp, RecordEvery = every,
                }).Sample(field, request.N, generator, model.Device, dtype),
                _ => new AdaptiveOdeSampler(new AdaptiveOdeOptions
                {
                    SigmaMax = config.SigmaMax, SigmaMin = config.SigmaMin, ClampDenoised = clamp,
                    RecordEvery = request.RecordTrajectory ? 1 : 0,
                }).Sample(field, request.N, generator, model.Device, dtype),
            };
        }
        finally
        {
            field.train(training);
        }
    }

    /// <summary>The sampler of a run in words, e.g. "EDM Heun, 50 steps (NFE 99), σ from 80 to 0.002".</summary>
    /// <param name="config">The model's configuration.</param>
    /// <param name="request">The request that ran.</param>
    /// <param name="sampler">The sampler that ran.</param>
    /// <param name="result">Its result.</param>
    public static string Describe(FluxModelConfig config, SamplingRequest request, SamplerKind sampler, SampleResult result)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(result);
        var sigmas = string.Create(CultureInfo.InvariantCulture, $"σ from {config.SigmaMax} to {config.SigmaMin}");
        return sampler switch
        {
            SamplerKind.ReverseSde => $"reverse SDE, {result.Steps} steps, {sigmas}",
            SamplerKind.Heun => $"EDM Heun, {result.Steps} steps (NFE {result.FunctionEvaluations}), {sigmas}",
            SamplerKind.PredictorCorrector => $"predictor–corrector, {result.Steps} steps (NFE {result.FunctionEvaluations}), {sigmas}",
            SamplerKind.ProbabilityFlowOde => $"adaptive PF-ODE, {result.Steps} steps (NFE {result.FunctionEvaluations}), {sigmas}",
            _ => string.Create(CultureInfo.InvariantCulture, $"Langevin, {result.Steps} steps, ε = {request.StepSize ?? FluxDefaults.LangevinStepSize}"),
        };
    }

    private static void Check(FluxModel model, SamplingRequest request, SamplerKind kind)
    {
        var word = ModelChoices.Name(kind);
        if (!model.Config.Annealed || !model.Field.IsNoiseConditioned)
        {
            throw new ArgumentException($"--sampler {word} needs a noise-conditioned (annealed) model; use langevin.", nameof(request));
        }

        if (request.N < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.N, "n must be at least 1.");
        }

        if (request.StepSize is not null)
        {
            throw new ArgumentException($"--step-size applies to the Langevin sampler only, not --sampler {word}.", nameof(request));
        }

        if (kind == SamplerKind.ProbabilityFlowOde && request.Steps is not null)
        {
            throw new ArgumentException("--steps does not apply to --sampler ode (its steps follow its tolerances).", nameof(request));
        }

        int least = kind == SamplerKind.Heun ? 2 : 1;
        if (request.Steps is { } steps && steps < least)
        {
            throw new ArgumentOutOfRangeException(nameof(request), steps, $"--steps must be at least {least} for --sampler {word}.");
        }
    }

    /// <summary>Langevin or the reverse SDE on <paramref name="field"/> (the model's field or its EMA copy), as
    /// <see cref="FluxModel.Sample"/> runs them.</summary>
    internal static SampleResult LangevinOrReverseSde(FluxModel model, TrainableField field, SamplingRequest request,
        SamplerKind kind)
    {
        var dtype = model.Field.DType;
        int frames = Math.Max(1, request.Frames);
        if (model.Device.type == DeviceType.CPU)
        {
            MemoryEstimate.Require(MemoryEstimate.Sampling(model.Config, model.Data.Dimension, request.N, request.RecordTrajectory ? frames : 0, dtype), "--n", request.N, "sampling");
        }

        var gen = new Generator((ulong)request.Seed, model.Device);
        if (kind == SamplerKind.ReverseSde)
        {
            if (!model.Config.Annealed)
            {
                throw new ArgumentException("The reverse-SDE sampler needs a noise-conditioned (annealed) model; use langevin.", nameof(request));
            }

            int steps = request.Steps ?? 1000;
            var sde = new ReverseSdeSampler(new ReverseSdeOptions
            {
                Steps = steps, SigmaMax = model.Config.SigmaMax, SigmaMin = model.Config.SigmaMin,
                RecordEvery = request.RecordTrajectory ? Math.Max(1, steps / frames) : 0,
            });
            return sde.Sample(field, request.N, gen, model.Device, dtype);
        }
        else
        {
            int steps = request.Steps ?? 2000;
            var langevin = new LangevinSampler(new LangevinOptions
            {
                Steps = steps, StepSize = request.StepSize ?? 0.01,
                RecordEvery = request.RecordTrajectory ? Math.Max(1, steps / frames) : 0,
                Sigma = model.Config.Annealed ? model.Config.SigmaMin : null,
            });
            using var x0 = torch.randn(request.N, model.Data.Dimension, dtype, model.Device, generator: gen);
            return langevin.Sample(field, x0, gen);
        }
    }
}
