namespace FluxMatching.Models;

/// <summary>
/// The words the <c>flux</c> command and the <c>#!flux</c> notebook magic use for losses, samplers and fields, and
/// their parsing: one list and one message per choice, shared by both surfaces.
/// </summary>
public static class ModelChoices
{
    /// <summary>Values of <c>--loss</c>: "flux" (<see cref="LossKind.Flux"/>) and "dsm" (<see cref="LossKind.Dsm"/>).</summary>
    public static IReadOnlyList<string> Losses { get; } = ["flux", "dsm"];

    /// <summary>Values of <c>--sampler</c>: "langevin" and "reverse-sde".</summary>
    public static IReadOnlyList<string> Samplers { get; } = ["langevin", "reverse-sde"];

    /// <summary>Values of <c>--field</c>: the vector fields a model can hold ("mlp" is the default).</summary>
    public static IReadOnlyList<string> Fields { get; } = ["mlp", "transformer"];

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
    /// <param name="text">"langevin", "reverse-sde", or null.</param>
    /// <param name="option">How the value is called in messages.</param>
    /// <exception cref="ArgumentException">One line naming the option, the value and the allowed names.</exception>
    public static SamplerKind? ParseSampler(string? text, string option = "--sampler") =>
        string.IsNullOrEmpty(text) ? null : Check(text, Samplers, option) switch
        {
            "reverse-sde" => SamplerKind.ReverseSde,
            _ => SamplerKind.Langevin,
        };

    /// <summary>Checks a field name against <see cref="Fields"/>.</summary>
    /// <param name="text">A field name, e.g. "mlp" or "transformer".</param>
    /// <param name="option">How the value is called in messages.</param>
    /// <returns>The name, as <see cref="FluxModelConfig"/> stores it.</returns>
    /// <exception cref="ArgumentException">One line naming the option, the value and the allowed names.</exception>
    public static string ParseField(string? text, string option = "--field") => Check(text, Fields, option);

    /// <summary>The configuration with the field named by <c>--field</c>.</summary>
    /// <param name="config">The configuration.</param>
    /// <param name="field">A name from <see cref="Fields"/>; null: the configuration's own field.</param>
    /// <param name="option">How the value is called in messages.</param>
    /// <exception cref="ArgumentException">One line naming the option, the value and the allowed names.</exception>
    public static FluxModelConfig WithField(FluxModelConfig config, string? field, string option = "--field")
    {
        ArgumentNullException.ThrowIfNull(config);
        if (field is null) return config;
        var name = ParseField(field, option);
        // FluxModelConfig gains its Field choice on the core's side; until then only the MLP field is built.
        return name == "mlp"
            ? config
            : throw new ArgumentException($"{option} '{name}' is not built by this version of the model yet; allowed now: mlp.");
    }

    /// <summary>The word for a loss: "flux" or "dsm".</summary>
    /// <param name="loss">The loss.</param>
    public static string Name(LossKind loss) => loss == LossKind.Dsm ? "dsm" : "flux";

    /// <summary>The word for a sampler: "langevin" or "reverse-sde".</summary>
    /// <param name="sampler">The sampler.</param>
    public static string Name(SamplerKind sampler) => sampler == SamplerKind.ReverseSde ? "reverse-sde" : "langevin";

    private static string Check(string? text, IReadOnlyList<string> allowed, string option)
    {
        if (text is not null && allowed.Contains(text)) return text;
        throw new ArgumentException($"{option} must be one of {string.Join(", ", allowed)}, not '{text}'.");
    }
}
