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
    public void The_heun_sampler_of_an_annealed_model_writes_the_samples_of_the_shared_routine()
    {
        var path = Path.Combine(dir, "a.pt");
        using (var model = new FluxModel(new FluxModelConfig { Annealed = true, Hidden = 8 }, seed: 2))
        {
            model.Save(path);
        }

        var csv = Path.Combine(dir, "h.csv");
        var run = CliRun.Of("sample", path, "--n", "20", "--sampler", "heun", "--steps", "3", "--seed", "4", "--out", csv);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("3 steps, NFE 5", run.Out);
        using var loaded = FluxModel.Load(path, CPU);
        var expected = ModelSampling.Sample(loaded, new SamplingRequest { N = 20, Sampler = SamplerKind.Heun, Steps = 3, Seed = 4 });
        Assert.Equal(CliRun.Rows(expected.Samples), CliRun.ReadCsv(csv));
        expected.Samples.Dispose();
    }

    [Fact]
    public void The_ode_sampler_of_a_fixed_sigma_model_is_one_line()
    {
        var path = Path.Combine(dir, "f.pt");
        using (var model = new FluxModel(new FluxModelConfig { Hidden = 8 }, seed: 2))
        {
            model.Save(path);
        }

        var line = CliRun.Of("sample", path, "--sampler", "ode", "--out", Path.Combine(dir, "o.csv")).OneLineError();
        Assert.Equal("flux: --sampler ode needs a noise-conditioned (annealed) model; use langevin.", line);
    }

    [Fact]
    public void A_bad_sampler_is_one_line_with_the_allowed_samplers()
    {
        var line = CliRun.Of("sample", "missing.pt", "--sampler", "euler").OneLineError();
        Assert.Equal("flux: --sampler must be one of langevin, reverse-sde, heun, pc, ode, not 'euler'.", line);
    }
}
