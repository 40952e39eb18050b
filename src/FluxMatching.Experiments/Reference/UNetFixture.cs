namespace FluxMatching.Reference;

using System.Text.Json;
using FluxMatching.Fields.Images;
using static TorchSharp.torch;

/// <summary>
/// A U-Net fixture of the authors' image model (format in the fixtures' README): <c>NAME.json</c> (the U-Net's
/// constructor arguments, B, σ, σ_d, horizon, substeps, tolerance) beside <c>NAME.weights.pt</c> (the authors'
/// <c>state_dict</c>) and <c>NAME.expected.pt</c> (inputs, recorded draws, outputs, losses and gradients).
/// </summary>
/// <param name="Path">The JSON file.</param>
/// <param name="Name">Fixture name.</param>
/// <param name="DType">float32 or float64.</param>
/// <param name="Config">The U-Net's architecture.</param>
/// <param name="SigmaData">σ_d of the EDM preconditioning.</param>
/// <param name="Horizon">The flux loss's horizon H.</param>
/// <param name="SimulationSteps">The flux loss's substeps K.</param>
/// <param name="Tolerance">The fixture's own bar for every compared quantity.</param>
/// <param name="WeightsPath">The state-dict file.</param>
/// <param name="ExpectedPath">The expected-values file.</param>
public sealed record UNetFixture(
    string Path,
    string Name,
    ScalarType DType,
    UNetConfig Config,
    double SigmaData,
    double Horizon,
    int SimulationSteps,
    double Tolerance,
    string WeightsPath,
    string ExpectedPath)
{
    /// <summary>True when the JSON file describes a U-Net fixture (it has a <c>unet</c> object).</summary>
    /// <param name="path">A fixture JSON file.</param>
    public static bool IsUNetFixture(string path)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            return doc.RootElement.ValueKind == JsonValueKind.Object &&
                   doc.RootElement.TryGetProperty("unet", out var u) && u.ValueKind == JsonValueKind.Object;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return false;
        }
    }

    /// <summary>Reads the JSON file; the two .pt files are expected beside it (NAME.weights.pt, NAME.expected.pt).
    /// </summary>
    /// <param name="path">The JSON file.</param>
    /// <exception cref="FormatException">A required entry is missing or malformed.</exception>
    public static UNetFixture Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var root = doc.RootElement;
        var u = Get(root, "unet");
        var shape = Get(u, "image_shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        if (shape.Length != 3)
        {
            throw new FormatException($"unet.image_shape must be [C, H, W], got {shape.Length} entries.");
        }

        var config = new UNetConfig
        {
            ImageChannels = shape[0],
            ImageHeight = shape[1],
            ImageWidth = shape[2],
            Channels = Get(u, "n_channels").GetInt32(),
            ChannelMultipliers = Get(u, "ch_mults").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
            IsAttention = Get(u, "is_attn").EnumerateArray().Select(e => e.GetBoolean()).ToArray(),
            AttentionChannelsPerHead = u.TryGetProperty("attn_channels_per_head", out var h) &&
                                       h.ValueKind == JsonValueKind.Number ? h.GetInt32() : null,
            Dropout = Get(u, "dropout").GetDouble(),
            Blocks = Get(u, "n_blocks").GetInt32(),
            UseResForUpDown = u.TryGetProperty("use_res_for_updown", out var r) && r.GetBoolean(),
        };
        var dtype = Get(root, "dtype").GetString() switch
        {
            "float32" => ScalarType.Float32,
            "float64" => ScalarType.Float64,
            var other => throw new FormatException($"dtype must be float32 or float64, got '{other}'."),
        };
        string stem = System.IO.Path.GetFileNameWithoutExtension(path);
        string dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        return new UNetFixture(
            path,
            root.TryGetProperty("name", out var n) ? n.GetString() ?? stem : stem,
            dtype,
            config,
            Get(root, "sigma_data").GetDouble(),
            Get(root, "horizon").GetDouble(),
            Get(root, "simulation_steps").GetInt32(),
            Get(root, "tolerance").GetDouble(),
            System.IO.Path.Combine(dir, stem + ".weights.pt"),
            System.IO.Path.Combine(dir, stem + ".expected.pt"));
    }

    private static JsonElement Get(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) ? v : throw new FormatException($"The U-Net fixture has no '{name}'.");
}
