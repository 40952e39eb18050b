namespace FluxMatching.Fields;

using System.Collections.Concurrent;

/// <summary>
/// Builds a trainable field from its name and a <see cref="FieldSpec"/>: the one place that maps a configuration's
/// field name (<c>FluxModelConfig.Field</c>, <c>--field</c>) to a type. Built in: "mlp" (<see cref="MlpField"/>,
/// σ-conditioned when the spec says so), "transformer" (<see cref="TransformerField"/> over D/T features per token),
/// "kinetic" (<see cref="KineticField"/> over G = D/2 genes, (u, s) interleaved; D even, not σ-conditioned),
/// the analytic "gmm" / "skew-gmm" (<see cref="GaussianMixtureField"/>: the score of a learned Gaussian mixture, with a
/// learned skew-symmetric part for "skew-gmm"), and "unet" (<see cref="Images.EdmUNetField"/>, the authors' image U-Net
/// with EDM preconditioning; always σ-conditioned; needs <see cref="FieldSpec.ImageShape"/>).
/// Other fields register themselves with <see cref="Register"/>.
/// </summary>
public static class FieldRegistry
{
    private static readonly ConcurrentDictionary<string, Func<FieldSpec, TrainableField>> Factories =
        new(StringComparer.OrdinalIgnoreCase)
        {
            ["mlp"] = s => new MlpField(s.Dimension, s.Hidden, s.Depth, s.NoiseConditioned, s.Name),
            ["transformer"] = s => new TransformerField(TransformerConfig(s), s.Name),
            ["gmm"] = s => new GaussianMixtureField(s.Dimension, s.Components, skew: false, s.NoiseConditioned, s.Name),
            ["skew-gmm"] = s => new GaussianMixtureField(s.Dimension, s.Components, skew: true, s.NoiseConditioned, s.Name),
            ["kinetic"] = Kinetic,
            ["unet"] = s => new Images.EdmUNetField(UNetConfig(s), s.SigmaData),
        };

    /// <summary>The registered names, sorted.</summary>
    public static IReadOnlyList<string> Names => [.. Factories.Keys.Order(StringComparer.Ordinal)];

    /// <summary>True when <paramref name="name"/> is registered (case-insensitive).</summary>
    public static bool Contains(string name) => name is not null && Factories.ContainsKey(name);

    /// <summary>Registers (or replaces) a field factory under <paramref name="name"/>.</summary>
    /// <param name="name">The field's name, e.g. "unet"; not empty.</param>
    /// <param name="factory">Builds a fresh field (parameters from the global generator) from a spec.</param>
    public static void Register(string name, Func<FieldSpec, TrainableField> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(factory);
        Factories[name] = factory;
    }

    /// <summary>Builds a field.</summary>
    /// <param name="name">A registered name (see <see cref="Names"/>).</param>
    /// <param name="spec">Sizes.</param>
    /// <exception cref="ArgumentException">The name is not registered or the spec does not fit the field.</exception>
    public static TrainableField Create(string name, FieldSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (name is null || !Factories.TryGetValue(name, out var factory))
        {
            throw new ArgumentException($"Unknown field '{name}'. Allowed: {string.Join(", ", Names)}.", nameof(name));
        }

        var field = factory(spec);
        if (field.Dimension != spec.Dimension)
        {
            throw new ArgumentException(
                $"Field '{name}' was built with dimension {field.Dimension}, but the spec asks for {spec.Dimension}.", nameof(spec));
        }

        return field;
    }

    /// <summary>The kinetic field of G = D/2 genes (D even; it takes no σ).</summary>
    private static KineticField Kinetic(FieldSpec s)
    {
        if (s.Dimension < 2 || s.Dimension % 2 != 0)
        {
            throw new ArgumentException(
                $"The kinetic field needs an even data dimension D = 2·genes ((u, s) per gene), got {s.Dimension}.", nameof(s));
        }

        if (s.NoiseConditioned)
        {
            throw new ArgumentException("The kinetic field is not σ-conditioned; train it with a fixed σ.", nameof(s));
        }

        return new KineticField(s.Dimension / 2);
    }

    /// <summary>The U-Net's architecture for images of <see cref="FieldSpec.ImageShape"/>.</summary>
    private static Images.UNetConfig UNetConfig(FieldSpec s)
    {
        if (s.ImageShape is not { Count: 3 } shape || shape[0] * shape[1] * shape[2] != s.Dimension)
        {
            throw new ArgumentException(
                $"The unet field needs image data with a shape [C, H, W] (C·H·W = {s.Dimension}); this data set is " +
                "not an image set (allowed: fashion-mnist, mnist or an image data source).", nameof(s));
        }

        if (!s.NoiseConditioned)
        {
            throw new ArgumentException(
                "The unet field is noise-conditioned: it needs annealed training (--annealed).", nameof(s));
        }

        var config = new Images.UNetConfig
        {
            ImageChannels = shape[0], ImageHeight = shape[1], ImageWidth = shape[2], Channels = s.Channels,
            ChannelMultipliers = [.. s.ChannelMultipliers], IsAttention = [.. s.AttentionLevels], Blocks = s.Blocks,
            Dropout = s.Dropout,
        };
        config.Validate();
        return config;
    }

    /// <summary>The transformer's sizes for flat data of dimension D: T tokens of D/T features.</summary>
    private static TransformerFieldConfig TransformerConfig(FieldSpec s)
    {
        int tokens = s.SequenceLength == 0 ? s.Dimension : s.SequenceLength;
        if (tokens < 1 || s.Dimension % tokens != 0)
        {
            throw new ArgumentException(
                $"The transformer's sequence length {tokens} must divide the data dimension {s.Dimension}.", nameof(s));
        }

        return new TransformerFieldConfig
        {
            SequenceLength = tokens, Features = s.Dimension / tokens, Hidden = s.Hidden, Depth = s.Depth,
            Heads = s.Heads, NoiseConditioned = s.NoiseConditioned,
        };
    }
}
