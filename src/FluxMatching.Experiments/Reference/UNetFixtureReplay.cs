namespace FluxMatching.Reference;

using FluxMatching.Fields.Images;
using FluxMatching.Interop;
using FluxMatching.Losses;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Replays a <see cref="UNetFixture"/>: loads the authors' state dict into <see cref="EdmUNetField"/> (in the
/// fixture's dtype, on the CPU), evaluates the raw output F and the denoiser D at the probe, the per-sample flux loss
/// (the authors' <c>flux_matching_loss</c> on f = (D − z)/σ², uniform t) and <c>dsm_loss_x0</c> with the recorded
/// draws, and every parameter's gradient of each mean loss. Errors as the fixtures define them:
/// max|a − e| / max|e| per tensor, and for the gradients of one loss the largest max|a − e| over all parameters over
/// the largest max|e|.
/// </summary>
internal static class UNetFixtureReplay
{
    public static FixtureReport Run(UNetFixture fixture)
    {
        using var scope = NewDisposeScope();
        var weights = StateDictFile.Read(fixture.WeightsPath);
        var expected = StateDictFile.Read(fixture.ExpectedPath);
        Tensor E(string name) => expected.TryGetValue(name, out var t)
            ? t.to(fixture.DType)
            : throw new FormatException($"{fixture.ExpectedPath} has no '{name}'.");

        var field = new EdmUNetField(fixture.Config, fixture.SigmaData).to(fixture.DType);
        ModuleStateDict.Load(field.Network, weights);
        field.eval();
        var parameters = field.Network.named_parameters().ToList();
        var quantities = new List<FixtureQuantity>();

        var x = E("x");
        var sigma = E("sigma").reshape(-1);
        using (no_grad())
        {
            var (d, f) = field.DenoiseWithRaw(E("probe.z"), sigma);
            quantities.Add(Compare("probe.F", f, E("probe.F")));
            quantities.Add(Compare("probe.D", d, E("probe.D")));
        }

        double s = sigma[0].to(ScalarType.Float64).item<double>();
        double sigma2 = s * s;
        int k = fixture.SimulationSteps;
        var draws = new FluxLossDraws(
            E("flux.draw.0"),
            E("flux.draw.1"),
            Enumerable.Range(2, k).Select(i => E($"flux.draw.{i}")).ToList(),
            expected.TryGetValue($"flux.draw.{k + 2}", out var probe)
                ? probe
                : throw new FormatException($"{fixture.ExpectedPath} has no 'flux.draw.{k + 2}' (the probe)."));
        var options = new FluxLossOptions { Horizon = fixture.Horizon, Substeps = k };
        var flux = new FluxMatchingLoss(options).Compute(z => field.Evaluate(z, sigma), x, sigma2, draws: draws);
        quantities.Add(Compare("flux.per_sample", flux.PerSample, E("flux.per_sample")));
        flux.PerSample.mean().backward();
        quantities.Add(CompareGradients("flux.grad", parameters, expected, fixture.DType));

        field.zero_grad();
        var dsm = DsmLoss.X0Kde(z => field.Denoise(z, sigma), x, sigma2, fixture.SigmaData, E("dsm.draw.0"));
        quantities.Add(Compare("dsm.per_sample", dsm, E("dsm.per_sample")));
        dsm.mean().backward();
        quantities.Add(CompareGradients("dsm.grad", parameters, expected, fixture.DType));

        return new FixtureReport(fixture.Path, fixture.Name, $"unet ({fixture.DType})", quantities, [], null,
            fixture.Tolerance);
    }

    /// <summary>max|a − e| / max|e| (the fixtures' measure); +∞ on a shape mismatch or a non-finite value.</summary>
    private static FixtureQuantity Compare(string name, Tensor got, Tensor want)
    {
        if (got.numel() != want.numel())
        {
            return new FixtureQuantity(name, double.PositiveInfinity, (int)want.numel());
        }

        double diff = MaxAbs(got.detach().reshape(-1).sub(want.reshape(-1)));
        return new FixtureQuantity(name, Ratio(diff, MaxAbs(want)), (int)want.numel());
    }

    private static FixtureQuantity CompareGradients(string prefix,
        IReadOnlyList<(string Name, TorchSharp.Modules.Parameter Parameter)> parameters,
        IReadOnlyDictionary<string, Tensor> expected, ScalarType dtype)
    {
        double diff = 0.0, scale = 0.0;
        int count = 0;
        foreach (var (name, parameter) in parameters)
        {
            if (!expected.TryGetValue($"{prefix}.{name}", out var want))
            {
                throw new FormatException($"The fixture has no '{prefix}.{name}'.");
            }

            want = want.to(dtype);
            var got = parameter.grad ?? zeros_like(parameter);
            if (got.numel() != want.numel())
            {
                return new FixtureQuantity($"{prefix} ({parameters.Count} parameters)", double.PositiveInfinity, count);
            }

            diff = Math.Max(diff, MaxAbs(got.reshape(-1).sub(want.reshape(-1))));
            scale = Math.Max(scale, MaxAbs(want));
            count += (int)want.numel();
        }

        return new FixtureQuantity($"{prefix} ({parameters.Count} parameters)", Ratio(diff, scale), count);
    }

    private static double MaxAbs(Tensor t) => t.abs().max().to(ScalarType.Float64).item<double>();

    private static double Ratio(double diff, double scale)
    {
        double r = scale > 0 ? diff / scale : diff;
        return double.IsFinite(r) ? r : double.PositiveInfinity;
    }
}
