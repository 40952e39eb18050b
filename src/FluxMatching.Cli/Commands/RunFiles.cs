namespace FluxMatching.Cli.Commands;

using System.Text.Json;
using System.Text.Json.Nodes;
using FluxMatching.Metrics;
using static TorchSharp.torch;

/// <summary>Writes metrics.json and report.html of a run.</summary>
internal static class RunFiles
{
    public static void WriteMetrics(string path, TrainJobSettings s, IReadOnlyList<RunModelResult> results, MetricReport floor)
    {
        var models = new JsonObject();
        foreach (var r in results)
        {
            models[r.Key] = new JsonObject
            {
                ["loss"] = r.Key,
                ["mmd2"] = r.Metrics.Mmd2,
                ["energy_distance"] = r.Metrics.EnergyDistance,
                ["sliced_w2"] = r.Metrics.SlicedW2,
                ["steps"] = r.Training.StepsCompleted,
                ["stop_reason"] = r.Training.Reason.ToString(),
                ["train_seconds"] = Math.Round(r.Training.Elapsed.TotalSeconds, 3),
                ["steps_per_second"] = Math.Round(r.Training.StepsPerSecond, 3),
                ["final_smoothed_loss"] = Smoothed(r.LossHistory),
            };
        }
        var root = new JsonObject
        {
            ["data"] = s.Model.Data,
            ["samples"] = s.Samples,
            ["steps"] = s.Steps,
            ["batch"] = s.Batch,
            ["lr"] = s.LearningRate,
            ["sigma2"] = s.Model.Sigma2,
            ["annealed"] = s.Model.Annealed,
            ["seed"] = s.Seed,
            ["threads"] = get_num_threads(),
            ["metric_notes"] = "mmd2: multi-scale RBF MMD² against fresh data; energy_distance and sliced_w2 likewise. noise_floor: the same metrics between two independent fresh data sets of the same size.",
            ["models"] = models,
            ["noise_floor"] = new JsonObject { ["mmd2"] = floor.Mmd2, ["energy_distance"] = floor.EnergyDistance, ["sliced_w2"] = floor.SlicedW2 },
        };
        File.WriteAllText(path, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    public static void WriteReport(string path, TrainJobSettings s, IReadOnlyList<RunModelResult> results, Tensor data)
    {
        // Filled in by the plotting integration.
    }

    private static double Smoothed(double[] losses)
    {
        if (losses.Length == 0) return double.NaN;
        double m = losses[0];
        foreach (var l in losses) m = 0.98 * m + 0.02 * l;
        return m;
    }
}
