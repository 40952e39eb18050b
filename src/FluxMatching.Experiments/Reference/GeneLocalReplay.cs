namespace FluxMatching.Reference;

using FluxMatching.Fields;
using FluxMatching.Losses;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Replays a <see cref="GeneLocalFixture"/> in float64 on the CPU: builds the <see cref="KineticField"/> with the
/// fixture's parameters, runs <see cref="GeneLocalFluxLoss"/> on the recorded draws, back-propagates the loss and
/// returns <c>loss</c> and <c>grad.&lt;parameter&gt;</c>.
/// </summary>
internal static class GeneLocalReplay
{
    public static Dictionary<string, double[]> Run(GeneLocalFixture fixture)
    {
        using var scope = NewDisposeScope();
        int genes = (int)fixture.Shape[1];
        var x = tensor(fixture.X, fixture.Shape, dtype: ScalarType.Float64);
        bool bias = fixture.Parameters.ContainsKey("transcription_bias");
        using var field = new KineticField(genes, fixture.MinRate, fixture.MinTranscription, bias);
        field.to(ScalarType.Float64);
        double[] P(string name) => fixture.Parameters.TryGetValue(name, out var v)
            ? v
            : throw new FormatException($"The fixture lacks the parameter '{name}'.");
        field.Load(P("beta_unconstrained"), P("gamma_unconstrained"), P("transcription_u"), P("transcription_s"),
            bias ? P("transcription_bias") : null);

        var result = new GeneLocalFluxLoss().Compute(field, x, fixture.Sigma2, BuildDraws(fixture, x));
        result.Loss.backward();
        var got = new Dictionary<string, double[]>(StringComparer.Ordinal) { ["loss"] = FixtureReplay.Values(result.Loss) };
        foreach (var (name, parameter) in field.named_parameters())
        {
            got[$"grad.{name}"] = parameter.grad is { } g ? FixtureReplay.Values(g) : new double[parameter.numel()];
        }

        return got;
    }

    private static FluxLossDraws BuildDraws(GeneLocalFixture fixture, Tensor x)
    {
        var queue = new Queue<FixtureDraw>(fixture.Draws);
        FixtureDraw Next(string what, string kind)
        {
            var draw = queue.Count > 0 ? queue.Dequeue() : throw new FormatException($"draws_in_order ends before the {what}.");
            return draw.Kind == kind
                ? draw
                : throw new FormatException($"draws_in_order has a '{draw.Kind}' draw where the {what} ('{kind}') belongs.");
        }

        var u = Next("horizon uniform", "uniform");
        var uniform = tensor(u.Values, u.Shape, dtype: ScalarType.Float64);
        var anchor = FixtureReplay.ToTensor(Next("anchor noise", "normal"), x);
        var noises = new List<Tensor>();
        for (int k = 0; k < FluxLossOptions.Default.Substeps; k++)
        {
            noises.Add(FixtureReplay.ToTensor(Next($"substep noise {k + 1}", "normal"), x));
        }

        var probe = FixtureReplay.ToTensor(Next("probe", "integer"), x);
        if (queue.Count > 0)
        {
            throw new FormatException($"draws_in_order has {queue.Count} unexpected trailing draws.");
        }

        return new FluxLossDraws(anchor, uniform, noises, probe);
    }
}
