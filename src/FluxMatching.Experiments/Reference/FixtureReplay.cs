namespace FluxMatching.Reference;

using System.Text.RegularExpressions;
using FluxMatching.Fields;
using FluxMatching.Losses;
using FluxMatching.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

/// <summary>
/// Replays a <see cref="ReferenceFixture"/> in float64 on the CPU with its recorded draws and returns every
/// reproduced quantity under the fixture's own names (see <see cref="FixtureQuantity.Name"/>).
/// </summary>
internal static partial class FixtureReplay
{
    public static Dictionary<string, double[]> Run(ReferenceFixture fixture)
    {
        using var scope = NewDisposeScope();
        var x = tensor(fixture.X, fixture.XShape, dtype: ScalarType.Float64);
        bool annealed = fixture.Sigma is not null && fixture.Sigma2 is null;
        var field = BuildField(fixture.FieldLayers, annealed);
        var proposal = fixture.Proposal is { } p
            ? Load(new ExponentialTimeProposal(p.InputLayer.OutFeatures, fixture.Horizon).to(ScalarType.Float64), p)
            : null;
        var normalizer = fixture.Normalizer is { } n
            ? Load(new LossNormalizer(n.InputLayer.OutFeatures).to(ScalarType.Float64), n)
            : null;
        var draws = BuildDraws(fixture, x);
        var options = new FluxLossOptions { Horizon = fixture.Horizon, Substeps = fixture.SimulationSteps };
        var got = new Dictionary<string, double[]>(StringComparer.Ordinal);

        if (annealed)
        {
            var sigma = tensor(fixture.Sigma!.Value, dtype: ScalarType.Float64);
            var result = new AnnealedFluxLoss(options).Compute(field, x, sigma, normalizer, proposal, draws);
            result.Total.mean().backward();
            got["t"] = Values(result.T);
            got["raw_per_sample_loss"] = Values(result.Raw);
            got["total_per_sample_loss"] = Values(result.Total);
            got["mean_loss"] = Values(result.Raw.mean());
            got["mean_total"] = Values(result.Total.mean());
            if (result.NormalizerOutput is { } s)
            {
                got["normalizer.value"] = Values(s);
            }

            if (result.Reinforce is { } reinforce)
            {
                got["reinforce_mean"] = Values(reinforce.mean());
            }

            if (proposal is not null)
            {
                AddProposalValues(got, proposal, result.T, sigma.reshape(1));
            }
        }
        else
        {
            if (fixture.Sigma2 is not { } sigma2)
            {
                throw new FormatException("A plain flux-loss fixture needs 'sigma2'.");
            }

            var result = new FluxMatchingLoss(options).Compute(z => field.Evaluate(z), x, sigma2, proposal, draws);
            var mean = result.PerSample.mean();
            var objective = mean;
            got["t"] = Values(result.T);
            got["per_sample_loss"] = Values(result.PerSample);
            got["mean_loss"] = Values(mean);
            if (proposal is not null)
            {
                // The proposal is sampled at σ = √σ² inside the loss; its REINFORCE term uses the same σ and the
                // detached batch-mean loss as target (reproduces the fixtures' reinforce_mean and gradients).
                var sigma = tensor(Math.Sqrt(sigma2), dtype: ScalarType.Float64).reshape(1);
                var reinforce = proposal.ReinforceLoss(result.T.expand(x.shape[0]), sigma, mean.detach());
                objective = mean.add(reinforce.mean(), Scalars.One);
                got["reinforce_mean"] = Values(reinforce.mean());
                AddProposalValues(got, proposal, result.T, sigma);
            }

            objective.backward();
        }

        AddGradients(got, fixture.Expected.Keys, field, proposal, normalizer);
        return got;
    }

    private static void AddProposalValues(
        Dictionary<string, double[]> got, ExponentialTimeProposal proposal, Tensor t, Tensor sigma)
    {
        using var _ = no_grad();
        got["proposal.rate"] = Values(proposal.Rate(sigma));
        got["proposal.log_density_at_t"] = Values(proposal.LogDensity(t, sigma));
    }

    private static void AddGradients(Dictionary<string, double[]> got, IEnumerable<string> keys, MlpField field,
        ExponentialTimeProposal? proposal, LossNormalizer? normalizer)
    {
        foreach (var key in keys)
        {
            var fieldMatch = FieldGradient().Match(key);
            if (fieldMatch.Success)
            {
                int index = int.Parse(fieldMatch.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                if (index < field.Layers.Count)
                {
                    got[key] = Gradient(field.Layers[index], fieldMatch.Groups[2].Value);
                }

                continue;
            }

            var netMatch = NetGradient().Match(key);
            if (netMatch.Success)
            {
                LogSigmaAffineNet? net = netMatch.Groups[1].Value == "proposal" ? proposal : normalizer;
                if (net is not null)
                {
                    var layer = netMatch.Groups[2].Value == "input_layer" ? net.InputLayer : net.OutputLayer;
                    got[key] = Gradient(layer, netMatch.Groups[3].Value);
                }
            }
        }
    }

    private static double[] Gradient(Linear layer, string which)
    {
        var parameter = which == "weight" ? layer.weight! : layer.bias!;
        return parameter.grad is { } g ? Values(g) : new double[parameter.numel()];
    }

    private static MlpField BuildField(IReadOnlyList<FixtureLinearLayer> layers, bool noiseConditioned)
    {
        if (layers.Count == 0)
        {
            throw new FormatException("The fixture's MLP has no layers.");
        }

        var widths = new List<int> { layers[0].InFeatures };
        foreach (var layer in layers)
        {
            if (layer.InFeatures != widths[^1])
            {
                throw new FormatException("The fixture's MLP layers do not chain (in ≠ previous out).");
            }

            widths.Add(layer.OutFeatures);
        }

        var field = new MlpField(widths, noiseConditioned).to(ScalarType.Float64);
        for (int i = 0; i < layers.Count; i++)
        {
            field.LoadLayer(i, layers[i].Weight, layers[i].Bias);
        }

        return field;
    }

    private static T Load<T>(T net, FixtureAffineNet weights) where T : LogSigmaAffineNet
    {
        using var _ = no_grad();
        Copy(net.InputLayer, weights.InputLayer);
        Copy(net.OutputLayer, weights.OutputLayer);
        return net;
    }

    private static void Copy(Linear layer, FixtureLinearLayer source)
    {
        var w = layer.weight!;
        var b = layer.bias!;
        if (w.shape[0] != source.OutFeatures || w.shape[1] != source.InFeatures)
        {
            throw new FormatException($"An auxiliary net layer is {source.OutFeatures}×{source.InFeatures}, expected " +
                                      $"{w.shape[0]}×{w.shape[1]}.");
        }

        w.copy_(tensor(source.Weight, w.shape, dtype: w.dtype));
        b.copy_(tensor(source.Bias, b.shape, dtype: b.dtype));
    }

    private static FluxLossDraws BuildDraws(ReferenceFixture fixture, Tensor x)
    {
        var queue = new Queue<FixtureDraw>(fixture.Draws);
        FixtureDraw Next(string what) => queue.Count > 0
            ? queue.Dequeue()
            : throw new FormatException($"draws_in_order ends before the {what}.");

        var anchor = ToTensor(Next("anchor noise"), x);
        Tensor? uniform = null;
        if (queue.Count > 0 && queue.Peek().Kind == "uniform")
        {
            var u = queue.Dequeue();
            uniform = tensor(u.Values, u.Shape, dtype: ScalarType.Float64);
        }

        var noises = new List<Tensor>();
        for (int k = 0; k < fixture.SimulationSteps; k++)
        {
            noises.Add(ToTensor(Next($"substep noise {k + 1}"), x));
        }

        var probe = ToTensor(Next("probe"), x);
        if (queue.Count > 0)
        {
            throw new FormatException($"draws_in_order has {queue.Count} unexpected trailing draws.");
        }

        return new FluxLossDraws(anchor, uniform, noises, probe);
    }

    /// <summary>A recorded draw as a tensor shaped like <paramref name="x"/> (int64 for integer draws, else float64).</summary>
    internal static Tensor ToTensor(FixtureDraw draw, Tensor x)
    {
        if (draw.Values.Length != x.numel())
        {
            throw new FormatException($"A '{draw.Kind}' draw has {draw.Values.Length} values, x has {x.numel()}.");
        }

        return draw.Kind == "integer"
            ? tensor(draw.Values.Select(v => (long)Math.Round(v)).ToArray(), x.shape, dtype: ScalarType.Int64)
            : tensor(draw.Values, x.shape, dtype: ScalarType.Float64);
    }

    /// <summary>The tensor's values as float64 on the host, flattened (for comparison with a fixture).</summary>
    internal static double[] Values(Tensor t) =>
        t.detach().to(ScalarType.Float64).cpu().contiguous().reshape(-1).data<double>().ToArray();

    [GeneratedRegex(@"^grad_of_mean\w*\[(\d+)\]\.(weight|bias)$")]
    private static partial Regex FieldGradient();

    [GeneratedRegex(@"^(proposal|normalizer)_grad\.(input_layer|output_layer)\.(weight|bias)$")]
    private static partial Regex NetGradient();
}
