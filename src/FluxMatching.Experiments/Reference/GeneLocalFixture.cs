namespace FluxMatching.Reference;

using System.Text.Json;

/// <summary>
/// A parsed gene-local fixture (kind <c>gene_local_flux_matching_loss</c>): one float64 call of the authors' exp2
/// <c>flux_matching_loss</c> on a <c>DynamicalKineticVectorField</c>, with every draw recorded (format in the
/// fixtures' README). Any B and G are accepted.
/// </summary>
/// <param name="Path">Source file (or "" when parsed from text).</param>
/// <param name="Name">Fixture name.</param>
/// <param name="Shape">x's shape [B, G, 2].</param>
/// <param name="X">x values, row-major.</param>
/// <param name="Sigma2">σ².</param>
/// <param name="MinRate">Floor of β and γ.</param>
/// <param name="MinTranscription">Floor of the drive.</param>
/// <param name="Parameters">The field's parameters by the authors' names, [G] each.</param>
/// <param name="Draws">Every draw in call order (uniform, normal, K × normal, integer).</param>
/// <param name="Expected">Expected numbers: <c>loss</c> and <c>grad.&lt;parameter&gt;</c>.</param>
public sealed record GeneLocalFixture(
    string Path,
    string Name,
    long[] Shape,
    double[] X,
    double Sigma2,
    double MinRate,
    double MinTranscription,
    IReadOnlyDictionary<string, double[]> Parameters,
    IReadOnlyList<FixtureDraw> Draws,
    IReadOnlyDictionary<string, double[]> Expected)
{
    /// <summary>The fixture kind this record parses.</summary>
    public const string KindName = "gene_local_flux_matching_loss";

    /// <summary>The parameter names, in the authors' order.</summary>
    public static IReadOnlyList<string> ParameterNames { get; } =
        ["beta_unconstrained", "gamma_unconstrained", "transcription_u", "transcription_s", "transcription_bias"];

    /// <summary>True when the JSON text is a gene-local fixture (its <c>kind</c>).</summary>
    /// <param name="json">Fixture text.</param>
    public static bool IsGeneLocal(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                   && doc.RootElement.TryGetProperty("kind", out var kind)
                   && kind.ValueKind == JsonValueKind.String && kind.GetString() == KindName;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Parses fixture JSON text.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="path">Where it came from.</param>
    public static GeneLocalFixture Parse(string json, string path = "")
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var shape = FixtureJson.Numbers(FixtureJson.Required(root, "x_shape")).Select(v => (long)v).ToArray();
        if (shape.Length != 3 || shape[2] != 2)
        {
            throw new FormatException($"x_shape must be [B, G, 2], got [{string.Join(", ", shape)}].");
        }

        var x = FixtureJson.Numbers(FixtureJson.Required(root, "x"));
        if (x.Length != shape[0] * shape[1] * 2)
        {
            throw new FormatException($"x has {x.Length} values, x_shape [{string.Join(", ", shape)}] needs {shape[0] * shape[1] * 2}.");
        }

        var parameters = new Dictionary<string, double[]>(StringComparer.Ordinal);
        var given = FixtureJson.Required(root, "parameters");
        foreach (var name in ParameterNames)
        {
            if (given.TryGetProperty(name, out var values))
            {
                parameters[name] = FixtureJson.Numbers(values);
            }
        }

        var expected = new Dictionary<string, double[]>(StringComparer.Ordinal);
        var exp = FixtureJson.Required(root, "expected");
        expected["loss"] = FixtureJson.Numbers(FixtureJson.Required(exp, "loss"));
        if (exp.TryGetProperty("grad", out var grads))
        {
            foreach (var property in grads.EnumerateObject())
            {
                expected[$"grad.{property.Name}"] = FixtureJson.Numbers(property.Value);
            }
        }

        return new GeneLocalFixture(
            path,
            root.TryGetProperty("name", out var n) ? n.GetString() ?? "" : System.IO.Path.GetFileNameWithoutExtension(path),
            shape,
            x,
            FixtureJson.Required(root, "sigma2").GetDouble(),
            root.TryGetProperty("min_rate", out var mr) ? mr.GetDouble() : 1e-6,
            root.TryGetProperty("min_transcription", out var mt) ? mt.GetDouble() : 1e-6,
            parameters,
            FixtureJson.Required(root, "draws_in_order").EnumerateArray().Select(d => new FixtureDraw(
                FixtureJson.Required(d, "kind").GetString() ?? "",
                FixtureJson.Numbers(FixtureJson.Required(d, "shape")).Select(v => (long)v).ToArray(),
                FixtureJson.Numbers(FixtureJson.Required(d, "values")))).ToArray(),
            expected);
    }
}
