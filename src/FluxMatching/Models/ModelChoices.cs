namespace FluxMatching.Models;

using FluxMatching.Fields;

/// <summary>
/// The words the <c>flux</c> command and the <c>#!flux</c> notebook magic use for losses, samplers and fields, and
/// their parsing: one list and one message per choice, shared by both surfaces.
/// </summary>
public static class ModelChoices
{
    /// <summary>Values of <c>--loss</c>: "flux" (<see cref="LossKind.Flux"/>) and "dsm" (<see cref="LossKind.Dsm"/>).</summary>
    public static IReadOnlyList<string> Losses { get; } = ["flux", "dsm", "dsm-x0", "edm"];

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
        "dsm-x0" => LossKind.DsmX0,
        "edm" => LossKind.Edm,
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
            "unet" => $"U-Net (EDM), {config.Channels} channels × [{string.Join(", ", config.ChannelMultipliers)}], " +
                      $"attention at levels {FormatAttentionLevels(config.AttentionLevels)}, {config.Blocks} block(s) per level, dropout {config.Dropout}",
            var other => $"{other}{sigma}, {config.Hidden} × {config.Depth}",
        };
    }

    /// <summary>The word for a loss: "flux" or "dsm".</summary>
    /// <param name="loss">The loss.</param>
    public static string Name(LossKind loss) => loss switch
    {
        LossKind.Dsm => "dsm",
        LossKind.DsmX0 => "dsm-x0",
        LossKind.Edm => "edm",
        _ => "flux",
    };

    /// <summary>The σ distributions of <c>--sigma-dist</c>.</summary>
    public static IReadOnlyList<string> SigmaDistributions { get; } = ["log-uniform", "log-normal"];

    /// <summary>Parses <c>--sigma-dist</c> (null or empty: null, the configuration's default).</summary>
    /// <param name="text">"log-uniform" or "log-normal".</param>
    /// <param name="option">The option's name for the message.</param>
    public static SigmaDistribution? ParseSigmaDistribution(string? text, string option = "--sigma-dist") =>
        string.IsNullOrEmpty(text) ? null
            : Check(text, SigmaDistributions, option) == "log-normal" ? SigmaDistribution.LogNormal : SigmaDistribution.LogUniform;

    /// <summary>Parses a comma-separated list of integers (e.g. <c>--channel-mults 1,2,2</c>).</summary>
    /// <param name="text">E.g. "1,2,2".</param>
    /// <param name="option">The option's name for the message.</param>
    public static IReadOnlyList<int> ParseIntList(string text, string option)
    {
        var parts = (text ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var values = new List<int>();
        foreach (var part in parts)
        {
            if (!int.TryParse(part, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int v))
            {
                throw new ArgumentException($"{option} must be a comma-separated list of integers (e.g. 1,2,2), not '{text}'.");
            }

            values.Add(v);
        }

        if (values.Count == 0)
        {
            throw new ArgumentException($"{option} must list at least one integer (e.g. 1,2,2), not '{text}'.");
        }

        return values;
    }

    /// <summary>Parses <c>--attention</c>: the 0-based levels that carry self-attention, comma-separated (e.g. "1"),
    /// or "none", into one flag per level.</summary>
    /// <param name="text">E.g. "1" or "1,2" or "none".</param>
    /// <param name="levels">Number of U-Net levels.</param>
    /// <param name="option">The option's name for the message.</param>
    public static IReadOnlyList<bool> ParseAttentionLevels(string text, int levels, string option = "--attention")
    {
        var flags = new bool[levels];
        if (string.Equals(text?.Trim(), "none", StringComparison.OrdinalIgnoreCase))
        {
            return flags;
        }

        foreach (int level in ParseIntList(text!, option))
        {
            if (level < 0 || level >= levels)
            {
                throw new ArgumentException($"{option} level {level} is out of range; allowed: 0 to {levels - 1} (one per channel multiplier) or none.");
            }

            flags[level] = true;
        }

        return flags;
    }

    /// <summary>The 0-based attention levels of a configuration as <c>--attention</c> writes them ("1", "none").
    /// </summary>
    /// <param name="levels">One flag per level.</param>
    public static string FormatAttentionLevels(IReadOnlyList<bool> levels)
    {
        ArgumentNullException.ThrowIfNull(levels);
        var on = Enumerable.Range(0, levels.Count).Where(i => levels[i]).ToList();
        return on.Count == 0 ? "none" : string.Join(",", on);
    }

    /// <summary>
    /// The image defaults a configuration takes when its field is "unet" (the authors' exp3): annealed training,
    /// σ from the EDM log-normal (unless <paramref name="sigmaDistribution"/> says otherwise), the sampling range
    /// σ ∈ [0.002, 80] of the authors' EDM config, and for the flux loss the learned exponential horizon proposal
    /// with its REINFORCE term (the authors' <c>importance_sampler_net</c>). Other fields: the configuration with the σ distribution applied.
    /// </summary>
    /// <param name="config">The configuration.</param>
    /// <param name="sigmaDistribution">An explicit <c>--sigma-dist</c>, or null.</param>
    public static FluxModelConfig WithImageDefaults(FluxModelConfig config, SigmaDistribution? sigmaDistribution = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (!string.Equals(config.Field, "unet", StringComparison.OrdinalIgnoreCase))
        {
            return sigmaDistribution is { } d ? config with { SigmaDistribution = d } : config;
        }

        return config with
        {
            Annealed = true, SigmaDistribution = sigmaDistribution ?? SigmaDistribution.LogNormal,
            SigmaMin = ImageSigmaMin, SigmaMax = ImageSigmaMax, TimeProposal = config.Loss == LossKind.Flux,
        };
    }

    /// <summary>σ_min of image sampling: 0.002 (the authors' EDM config).</summary>
    public const double ImageSigmaMin = 0.002;

    /// <summary>σ_max of image sampling: 80 (the authors' EDM config).</summary>
    public const double ImageSigmaMax = 80.0;

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
