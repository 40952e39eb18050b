namespace FluxMatching.Cli.Commands;

using System.CommandLine;
using FluxMatching.Models;

/// <summary>`flux sample`: draw samples from a saved model into a CSV file.</summary>
internal static class SampleCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("checkpoint") { Description = "A checkpoint written by flux train (e.g. runs/ring-flux/flux.pt)." };
        var n = new Option<int>("--n") { Description = "Number of samples.", DefaultValueFactory = _ => 2000 };
        var sampler = new Option<string?>("--sampler") { Description = "langevin or reverse-sde (default: the model's)." };
        var steps = new Option<int?>("--steps") { Description = "Sampler steps (default 2,000 Langevin / 1,000 reverse SDE)." };
        var stepSize = new Option<double?>("--step-size") { Description = "Langevin step size ε (default 0.01)." };
        var seed = new Option<long>("--seed") { Description = "Sampler seed.", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out") { Description = "Output CSV file.", DefaultValueFactory = _ => "samples.csv" };
        var cmd = new Command("sample", "Draw samples from a saved model and write them as CSV.") { model, n, sampler, steps, stepSize, seed, output };
        cmd.SetAction(r => CliOptions.Guard(() =>
        {
            var kind = r.GetValue(sampler) switch
            {
                null => (SamplerKind?)null,
                "langevin" => SamplerKind.Langevin,
                "reverse-sde" => SamplerKind.ReverseSde,
                var other => throw new ArgumentException($"--sampler must be langevin or reverse-sde, not '{other}'."),
            };
            using var m = FluxModel.Load(r.GetValue(model)!);
            var result = m.Sample(new SamplingRequest { N = r.GetValue(n), Sampler = kind, Steps = r.GetValue(steps), StepSize = r.GetValue(stepSize), Seed = r.GetValue(seed) });
            SampleCsv.Write(r.GetValue(output)!, result.Samples);
            Console.WriteLine($"wrote {result.Samples.shape[0]} samples to {r.GetValue(output)} ({result.Steps} steps, {result.Elapsed.TotalSeconds:F2} s)");
            return 0;
        }));
        return cmd;
    }
}
