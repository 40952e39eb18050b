namespace FluxMatching.Models;

using FluxMatching.Fields;

/// <summary>
/// The words the <c>flux</c> command and the <c>#!flux</c> notebook magic use for losses, samplers and fields, and
/// their parsing: one list and one message per choice, shared by both surfaces.
/// </summary>
public static class ModelChoices
{
    /// <summary>Values of <c>--loss</c>: "flux" (<see cref="LossKind.Flux"/>) and "dsm" (<see cref="LossKind.Dsm"/>).</summary>
    public static IReadOnlyList<string> Losses { get; } = ["flux", "dsm"];

    /// <summary>Values of <c>--sampler</c>: "langevin", "reverse-sde", and for noise-conditioned models "heun" (EDM),
    /// "pc" (predictor–corrector) and "ode" (adaptive probability-flow ODE).</summary>
    public static IReadOnlyList<string> Samplers { get; } = ["langevin", "reverse-sde", "heun", "pc", "ode"];

    /// <summary>Values of <c>--field</c>: the fields <see cref="FieldRegistry"/> builds ("mlp", the default, "transformer",
    /// and any registered since), read anew at every call.</summary>
    public static IReadOnlyList<string> Fields => FieldRegistry.Names;

    /// <summary>Parses a loss name.</summary>
    /// <param name="text">"flux" or "dsm".</param>
    /// <param name="option">How the value is called in messages.</param>
    /// <exception cref="ArgumentException">One line naming the option, the value and the allowed names.</exception>
    public static LossKind ParseLoss(string? text, string option = "--loss") => Check(text, Losses, option) switch
    {
        "dsm" => LossKind.Dsm,
        _ => LossKind.Flux,
    };

    /// <summary>Parses a sampler name; null or empty: null (the model's own sampler).</summary>
    /// <param name="text">A name from <see cref="Samplers"/>, or null.</param>
    /// <param name="option">How the value is called in messages.</param>
    /// <exception cref="ArgumentException">One line naming the option, the value and the allowed names.</exception>
    public static SamplerKind? ParseSampler(string? text, string option = "--sampler") =>
        string.IsNullOrEmpty(text) ? null : Check(text, Samplers, option) switch
        {
            "reverse-sde" => SamplerKind.ReverseSde,
            "heun" => SamplerKind.Heun,
            "pc" => SamplerKind.PredictorCorrector,
            "ode" => SamplerKind.ProbabilityFlowOde,
            _ => SamplerKind.Langevin,
        };

    /// <summary>Checks a field name against <see cref="Fields"/>.</summary>
    /// <param name="text">A field name, e.g. "mlp" or "transformer".</param>
    /// <param name="option">How the value is called in messages.</param>
    /// <returns>The name, as <see cref="FluxModelConfig.Field"/> stores it.</returns>
    /// <exception cref="ArgumentException">One line naming the option, the value and the allowed names.</exception>
    public static string ParseField(string? text, string option = "--field") => Check(text, Fields, option);

    /// <summary>The configuration with the field named by <c>--field</c> (<see cref="FluxModelConfig.Field"/>).</summary>
    /// <param name="config">The configuration.</param>
    /// <param name="field">A name from <see cref="Fields"/>; null: the configuration's own field.</param>
    /// <param name="option">How the value is called in messages.</param>
    /// <exception cref="ArgumentException">One line naming the option, the value and the allowed names.</exception>
    public static FluxModelConfig WithField(FluxModelConfig config, string? field, string option = "--field")
    {
        ArgumentNullException.ThrowIfNull(config);
        return field is null ? config : config with { Field = ParseField(field, option) };
    }

    /// <summary>The field of a configuration in words, for model cards and reports: "MLP 2 + σ → 128 × 2 → 2",
    /// "transformer, 2 tokens × 64, 2 blocks, 4 heads", "kinetic, 60 genes", or "unet, 128 × 2" for a registered field.</summary>
    /// <param name="config">The configuration.</param>
    /// <param name="dimension">Data dimension D.</param>
    public static string DescribeField(FluxModelConfig config, int dimension)
    {
        ArgumentNullException.ThrowIfNull(config);
        var sigma = config.Annealed ? " + σ" : "";
        return config.Field.ToLowerInvariant() switch
        {
            "mlp" => $"MLP {dimension}{sigma} → {config.Hidden} × {config.Depth} → {dimension}",
            "transformer" => $"transformer{sigma}, {(config.SequenceLength == 0 ? dimension : config.SequenceLength)} tokens × {config.Hidden}, " +
                             $"{config.Depth} blocks, {config.Heads} heads",
            "gmm" => $"Gaussian mixture{sigma}, {config.Components} components (its score)",
            "skew-gmm" => $"skewed Gaussian mixture{sigma}, {config.Components} components ((I + A)·score)",
            "kinetic" => $"kinetic, {dimension / 2} genes",
            var other => $"{other}{sigma}, {config.Hidden} × {config.Depth}",
        };
    }

    /// <summary>The word for a loss: "flux" or "dsm".</summary>
    /// <param name="loss">The loss.</param>
    public static string Name(LossKind loss) => loss == LossKind.Dsm ? "dsm" : "flux";

    /// <summary>The word for a sampler: one of <see cref="Samplers"/>.</summary>
    /// <param name="sampler">The sampler.</param>
    public static string Name(SamplerKind sampler) => sampler switch
    {
        SamplerKind.ReverseSde => "reverse-sde",
        SamplerKind.Heun => "heun",
        SamplerKind.PredictorCorrector => "pc",
        SamplerKind.ProbabilityFlowOde => "ode",
        _ => "langevin",
    };

    private static string Check(string? text, IReadOnlyList<string> allowed, string option)
    {
        if (text is not null && allowed.Contains(text))
        {
            return text;
        }

        throw new ArgumentException($"{option} must be one of {string.Join(", ", allowed)}, not '{text}'.");
    }
}
