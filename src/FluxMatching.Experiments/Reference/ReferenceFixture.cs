namespace FluxMatching.Reference;

using System.Text.Json;

/// <summary>
/// A parsed reference fixture (one float64 call of the authors' PyTorch loss with every draw recorded; format in
/// the fixtures' README): kinds <c>flux_matching_loss</c>, <c>flux_matching_loss_with_exponential_proposal</c> and
/// <c>annealed_flux_matching_with_loss_normalizer</c>. Any B, data shape, layer count and widths are accepted.
/// </summary>
/// <param name="Path">Source file (or "" when parsed from text).</param>
/// <param name="Name">Fixture name.</param>
/// <param name="Kind">Fixture kind.</param>
/// <param name="XShape">Shape of x, [B, *S].</param>
/// <param name="X">x values, row-major.</param>
/// <param name="Sigma2">σ² of the plain loss, or null (annealed fixtures give σ).</param>
/// <param name="Sigma">σ of the annealed loss, or null.</param>
/// <param name="Horizon">Horizon H.</param>
/// <param name="SimulationSteps">Substeps K.</param>
/// <param name="FieldLayers">The field MLP's Linear layers in order (SiLU between).</param>
/// <param name="Proposal">The exponential proposal's weights, or null.</param>
/// <param name="Normalizer">The loss normaliser's weights, or null.</param>
/// <param name="Draws">Every draw in call order.</param>
/// <param name="Expected">Expected numbers flattened by path (<c>t</c>, <c>per_sample_loss</c>,
/// <c>grad_of_mean_loss[0].weight</c>, <c>proposal.rate</c>, <c>normalizer.value</c>, …).</param>
public sealed record ReferenceFixture(
    string Path,
    string Name,
    string Kind,
    long[] XShape,
    double[] X,
    double? Sigma2,
    double? Sigma,
    double Horizon,
    int SimulationSteps,
    IReadOnlyList<FixtureLinearLayer> FieldLayers,
    FixtureAffineNet? Proposal,
    FixtureAffineNet? Normalizer,
    IReadOnlyList<FixtureDraw> Draws,
    IReadOnlyDictionary<string, double[]> Expected)
{
    /// <summary>Reads and parses a fixture file.</summary>
    /// <param name="path">The JSON file.</param>
    public static ReferenceFixture Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses fixture JSON text.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="path">Where it came from (for reports).</param>
    public static ReferenceFixture Parse(string json, string path = "")
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var expected = new Dictionary<string, double[]>(StringComparer.Ordinal);
        Flatten(FixtureJson.Required(root, "expected"), "", expected);
        var proposal = root.TryGetProperty("proposal", out var p) ? AffineNet(p, "proposal", expected) : null;
        var normalizer = root.TryGetProperty("normalizer", out var n) ? AffineNet(n, "normalizer", expected) : null;
        return new ReferenceFixture(
            path,
            root.TryGetProperty("name", out var name) ? name.GetString() ?? "" : System.IO.Path.GetFileNameWithoutExtension(path),
            FixtureJson.Required(root, "kind").GetString() ?? "",
            FixtureJson.Numbers(FixtureJson.Required(root, "x_shape")).Select(v => (long)v).ToArray(),
            FixtureJson.Numbers(FixtureJson.Required(root, "x")),
            root.TryGetProperty("sigma2", out var s2) ? s2.GetDouble() : null,
            root.TryGetProperty("sigma", out var s) ? s.GetDouble() : null,
            root.TryGetProperty("horizon", out var h) ? h.GetDouble() : 4.0,
            root.TryGetProperty("simulation_steps", out var k) ? k.GetInt32() : 4,
            FixtureJson.Required(FixtureJson.Required(root, "mlp"), "layers").EnumerateArray().Select(Layer).ToArray(),
            proposal,
            normalizer,
            FixtureJson.Required(root, "draws_in_order").EnumerateArray().Select(d => new FixtureDraw(
                FixtureJson.Required(d, "kind").GetString() ?? "",
                FixtureJson.Numbers(FixtureJson.Required(d, "shape")).Select(v => (long)v).ToArray(),
                FixtureJson.Numbers(FixtureJson.Required(d, "values")))).ToArray(),
            expected);
    }

    private static FixtureAffineNet AffineNet(JsonElement e, string prefix, Dictionary<string, double[]> expected)
    {
        foreach (var property in e.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.Number)
            {
                expected[$"{prefix}.{property.Name}"] = [property.Value.GetDouble()];
            }
        }

        return new FixtureAffineNet(Layer(FixtureJson.Required(e, "input_layer")), Layer(FixtureJson.Required(e, "output_layer")));
    }

    private static FixtureLinearLayer Layer(JsonElement e)
    {
        var weight = FixtureJson.Required(e, "weight");
        int rows = weight.GetArrayLength();
        int cols = rows == 0 ? 0 : weight[0].GetArrayLength();
        var values = FixtureJson.Numbers(weight);
        var bias = FixtureJson.Numbers(FixtureJson.Required(e, "bias"));
        if (values.Length != rows * cols || bias.Length != rows)
        {
            throw new FormatException($"A Linear layer has a ragged weight or a bias of the wrong length ({rows}×{cols}).");
        }

        return new FixtureLinearLayer(rows, cols, values, bias);
    }

    private static void Flatten(JsonElement e, string path, Dictionary<string, double[]> into)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Number:
                into[path] = [e.GetDouble()];
                break;
            case JsonValueKind.Object:
                foreach (var property in e.EnumerateObject())
                {
                    Flatten(property.Value, path.Length == 0 ? property.Name : $"{path}.{property.Name}", into);
                }

                break;
            case JsonValueKind.Array when IsNumeric(e):
                into[path] = FixtureJson.Numbers(e);
                break;
            case JsonValueKind.Array:
                int i = 0;
                foreach (var item in e.EnumerateArray())
                {
                    Flatten(item, $"{path}[{i++}]", into);
                }

                break;
        }
    }

    private static bool IsNumeric(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Number => true,
        JsonValueKind.Array => e.EnumerateArray().All(IsNumeric),
        _ => false,
    };
}
