namespace FluxMatching.Cli.Commands;

using System.CommandLine;
using System.Globalization;
using FluxMatching.Models;

/// <summary>`flux sample`: draw samples from a saved model, on the requested device, into a CSV file.</summary>
internal static class SampleCommand
{
    public static Command Create()
    {
        var defaults = FluxDefaults.Sampling;
        var model = new Argument<string>("checkpoint") { Description = "A checkpoint written by flux train (e.g. runs/ring-flux/flux.pt)." };
        var n = new Option<int>("--n") { Description = "Number of samples.", DefaultValueFactory = _ => defaults.N };
        var sampler = new Option<string?>("--sampler") { Description = $"{string.Join(", ", ModelChoices.Samplers)} (default: the model's; heun, pc and ode need an annealed model)." };
        var steps = new Option<int?>("--steps") { Description = $"Sampler steps (default {FluxDefaults.LangevinSteps:N0} Langevin / {FluxDefaults.ReverseSdeSteps:N0} reverse SDE / {FluxDefaults.HeunSteps} Heun / {FluxDefaults.PredictorCorrectorSteps} PC; ode adapts its steps)." };
        var stepSize = new Option<double?>("--step-size") { Description = string.Create(CultureInfo.InvariantCulture, $"Langevin step size ε (default {FluxDefaults.LangevinStepSize}).") };
        var seed = new Option<long>("--seed") { Description = "Sampler seed.", DefaultValueFactory = _ => defaults.Seed };
        var output = new Option<string>("--out") { Description = "Output CSV file.", DefaultValueFactory = _ => "samples.csv" };
        var device = CliOptions.Device();
        var cmd = new Command("sample", "Draw samples from a saved model and write them as CSV.") { model, n, sampler, steps, stepSize, seed, output, device };
        cmd.SetAction(r => CliOptions.Guard(() =>
        {
            var kind = ModelChoices.ParseSampler(r.GetValue(sampler));
            var target = CliOptions.ResolveDevice(r.GetValue(device), threads: 0);
            SampleCsv.Check(r.GetValue(output)!);
            using var m = FluxModel.Load(r.GetValue(model)!, target);
            var result = ModelSampling.Sample(m, defaults with { N = r.GetValue(n), Sampler = kind, Steps = r.GetValue(steps), StepSize = r.GetValue(stepSize), Seed = r.GetValue(seed) });
            using var samples = result.Samples;
            SampleCsv.Write(r.GetValue(output)!, samples);
            Console.WriteLine($"wrote {samples.shape[0]} samples to {r.GetValue(output)} ({result.Steps} steps, NFE {result.FunctionEvaluations}, on {m.Device.type.ToString().ToLowerInvariant()}, {result.Elapsed.TotalSeconds:F2} s)");
            return 0;
        }));
        return cmd;
    }
}
