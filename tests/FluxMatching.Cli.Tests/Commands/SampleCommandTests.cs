namespace FluxMatching.Cli.Tests.Commands;

using FluxMatching.Models;

public sealed class SampleCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("flux-cli-sample-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void A_checkpoint_loaded_onto_the_cpu_writes_the_samples_the_model_draws()
    {
        var path = Path.Combine(dir, "m.pt");
        using (var model = new FluxModel(new FluxModelConfig { Data = "moons", Hidden = 8 }, seed: 2))
        {
            model.Save(path);
        }

        var csv = Path.Combine(dir, "s.csv");
        var run = CliRun.Of("sample", path, "--n", "30", "--steps", "3", "--seed", "4", "--device", "cpu", "--out", csv);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("wrote 30 samples", run.Out);
        Assert.Contains("on cpu", run.Out);
        using var loaded = FluxModel.Load(path, CPU);
        var expected = loaded.Sample(new SamplingRequest { N = 30, Steps = 3, Seed = 4 });
        Assert.Equal(CliRun.Rows(expected.Samples), CliRun.ReadCsv(csv));
        expected.Samples.Dispose();
    }

    [Fact]
    public void A_bad_sampler_is_one_line_with_the_allowed_samplers()
    {
        var line = CliRun.Of("sample", "missing.pt", "--sampler", "euler").OneLineError();
        Assert.Equal("flux: --sampler must be one of langevin, reverse-sde, not 'euler'.", line);
    }
}
