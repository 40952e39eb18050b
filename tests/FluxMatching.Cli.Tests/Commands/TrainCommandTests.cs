namespace FluxMatching.Cli.Tests.Commands;

using System.Text.Json.Nodes;
using FluxMatching.Models;

public sealed class TrainCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("flux-cli-train-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Theory]
    [InlineData("--field", "nope", "flux: --field must be one of gmm, kinetic, mlp, skew-gmm, transformer, unet, not 'nope'.")]
    [InlineData("--field", "unet", "flux: --field unet needs image data (--data fashion-mnist|mnist), not 'ring'.")]
    [InlineData("--loss", "l2", "flux: --loss must be one of flux, dsm, dsm-x0, edm, not 'l2'.")]
    [InlineData("--per-sample-sigma", "true", "flux: Per-sample σ does not apply to the flux loss: σ² is its kernel bandwidth over the batch (one σ per batch); use it with --loss dsm-x0, or give the flux loss several σ per step with --micro-batches N (each micro-batch draws its own σ, t and kernel).")]
    [InlineData("--samples", "1", "flux: --samples must be ≥ 2; got 1.")]
    [InlineData("--calibrate-normalizer", "true", "flux: Calibrating the loss normalizer needs annealed flux training (--annealed, --loss flux): other objectives have no normalizer.")]
    public void A_bad_value_is_one_line_naming_the_option_the_value_and_what_is_allowed(string option, string value, string expected)
    {
        var line = CliRun.Of("train", option, value, "--steps", "1", "--out", dir, "--quiet").OneLineError();
        Assert.Equal(expected, line);
    }

    [Fact]
    public void The_run_is_measured_by_the_shared_routine_against_the_data_it_writes()
    {
        var run = CliRun.Of("train", "--data", "moons", "--field", "mlp", "--hidden", "8", "--steps", "2", "--batch", "16",
            "--samples", "40", "--no-baseline", "--quiet", "--device", "cpu", "--out", dir, "--name", "r");
        Assert.True(run.ExitCode == 0, run.Error + run.Out);
        var folder = Path.Combine(dir, "r");
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "metrics.json")))!;

        // The oracle: the core's SampleEvaluation of the saved model with the run's seed and sample count.
        using var model = FluxModel.Load(Path.Combine(folder, "flux.pt"));
        using var evaluation = SampleEvaluation.Run(model, FluxDefaults.Sampling with { N = 40, Seed = 0 });
        Assert.Equal(evaluation.Metrics!.Mmd2, (double)metrics["models"]!["flux"]!["mmd2"]!);
        Assert.Equal(evaluation.Metrics.SlicedW2, (double)metrics["models"]!["flux"]!["sliced_w2"]!);
        Assert.Equal(CliRun.Rows(evaluation.Data), CliRun.ReadCsv(Path.Combine(folder, "data.csv")));
        Assert.Equal(CliRun.Rows(evaluation.Samples), CliRun.ReadCsv(Path.Combine(folder, "samples-flux.csv")));
        var floor = SampleEvaluation.NoiseFloor(model.Data, 40, 0);
        Assert.Equal(floor.Mmd2, (double)metrics["noise_floor"]!["mmd2"]!);
        Assert.Contains("device=cpu", run.Out);
    }

    [Fact]
    public void The_field_option_trains_and_saves_a_transformer()
    {
        var run = CliRun.Of("train", "--field", "transformer", "--hidden", "8", "--steps", "2", "--batch", "16",
            "--samples", "20", "--no-baseline", "--quiet", "--out", dir, "--name", "t");
        Assert.True(run.ExitCode == 0, run.Error + run.Out);
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "t", "metrics.json")))!;
        Assert.Equal("transformer", (string?)metrics["field"]);
        using var model = FluxModel.Load(Path.Combine(dir, "t", "flux.pt"));
        Assert.IsType<FluxMatching.Fields.TransformerField>(model.Field);
    }

    [Fact]
    public void An_image_run_trains_the_unet_through_the_one_loop_and_reports_sample_grids()
    {
        var run = CliRun.Of("train", "--data", "fashion-mnist", "--field", "unet", "--channels", "32", "--channel-mults", "1,2",
            "--attention", "none", "--dropout", "0", "--loss", "edm", "--steps", "2", "--batch", "4", "--micro-batches", "2",
            "--samples", "2", "--no-baseline", "--quiet", "--out", dir, "--name", "img");
        Assert.True(run.ExitCode == 0, run.Error + run.Out);
        Assert.Contains("field=unet loss=edm", run.Out);
        var report = File.ReadAllText(Path.Combine(dir, "img", "report.html"));
        Assert.Contains("edm (EDM Heun", report);   // a U-Net samples with the authors' exp3 sampler
        using var model = FluxModel.Load(Path.Combine(dir, "img", "edm.pt"));
        Assert.IsType<FluxMatching.Fields.Images.EdmUNetField>(model.Field);
        Assert.Equal((LossKind.Edm, SigmaDistribution.LogNormal, 2), (model.Config.Loss, model.Config.SigmaDistribution, model.StepsTrained));
    }

    [Fact]
    public void A_flux_image_run_can_start_its_normalizer_calibrated_and_its_dsm_baseline_runs_without_one()
    {
        var run = CliRun.Of("train", "--data", "fashion-mnist", "--field", "unet", "--channels", "32", "--channel-mults", "1,2",
            "--attention", "none", "--dropout", "0", "--calibrate-normalizer", "--steps", "1", "--batch", "4",
            "--samples", "2", "--quiet", "--out", dir, "--name", "cal");
        Assert.True(run.ExitCode == 0, run.Error + run.Out);
        Assert.Contains("normalizer calibrated", run.Out);
        using var flux = FluxModel.Load(Path.Combine(dir, "cal", "flux.pt"));
        Assert.True(flux.Config.CalibrateNormalizer);
        using var dsm = FluxModel.Load(Path.Combine(dir, "cal", "dsm-x0.pt"));
        Assert.Equal((LossKind.DsmX0, false), (dsm.Config.Loss, dsm.Config.CalibrateNormalizer));
    }
}
