namespace FluxMatching.Cli.Commands;

using System.Text.Json;
using System.Text.Json.Nodes;
using FluxMatching.Metrics;
using FluxMatching.Models;
using FluxMatching.Plotting;
using FluxMatching.Runtime;
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
                ["final_smoothed_loss"] = Smoothed(r.Model.LossHistory.ToArray()),
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
            ["field"] = s.Model.Field,
            ["device"] = DeviceParser.Name(s.Device),
            ["seed"] = s.Seed,
            ["threads"] = get_num_threads(),
            ["metric_notes"] = "mmd2: multi-scale RBF MMD² against fresh data; energy_distance and sliced_w2 likewise. noise_floor: the same metrics between two independent fresh data sets of the same size.",
            ["models"] = models,
            ["noise_floor"] = new JsonObject { ["mmd2"] = floor.Mmd2, ["energy_distance"] = floor.EnergyDistance, ["sliced_w2"] = floor.SlicedW2 },
        };
        File.WriteAllText(path, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    public static void WriteReport(string path, TrainJobSettings s, IReadOnlyList<RunModelResult> results, Tensor data, MetricReport floor)
    {
        if (results[0].Model.Data is FluxMatching.Data.IImageSource image)
        {
            WriteImageReport(path, s, results, data, floor, image);
            return;
        }

        if (data.shape[1] != 2)
        {
            return; // the report draws 2-D fields and samples
        }

        var models = results.Select(r => new ModelReport
        {
            Name = r.Key == "flux" ? "Flux" : "DSM",
            LossHistory = r.Model.LossHistory,
            Samples = ToArray(r.Samples),
            Field = r.Model.Ema,
            Sigma = r.Model.Config.Annealed ? r.Model.Config.SigmaMin : null,
            Metrics = new Dictionary<string, double>
            {
                ["MMD²"] = r.Metrics.Mmd2,
                ["energy distance"] = r.Metrics.EnergyDistance,
                ["sliced W2"] = r.Metrics.SlicedW2,
                ["train s"] = Math.Round(r.Training.Elapsed.TotalSeconds, 1),
            },
        }).ToList();
        var c = s.Model;
        var notes = $"Data: {c.Data}; {s.Steps} steps of Adam (lr {s.LearningRate}), batch {s.Batch}, " +
                    (c.Annealed ? $"annealed σ ∈ [{c.SigmaMin}, {c.SigmaMax}]" : $"σ² = {c.Sigma2}") +
                    $", field {ModelChoices.DescribeField(c, (int)data.shape[1])}, seed {s.Seed}. Metrics against {data.shape[0]} fresh data points; " +
                    $"noise floor (fresh data against fresh data): MMD² {floor.Mmd2:G3}, energy distance {floor.EnergyDistance:G3}. " +
                    "Fields and samples use the EMA weights.";
        FluxReport.Save(new ReportInput { Title = $"Flux Matching on {c.Data}", Models = models, DataSamples = ToArray(data), Notes = notes }, path);
    }

    /// <summary>The report of an image run: sample grids of each model (EMA weights) beside fresh data, the loss
    /// curves and the metrics table.</summary>
    private static void WriteImageReport(string path, TrainJobSettings s, IReadOnlyList<RunModelResult> results, Tensor data,
        MetricReport floor, FluxMatching.Data.IImageSource image)
    {
        long[] shape = [-1, image.Channels, image.Height, image.Width];
        var grid = new ImageGridOptions { Min = -1, Max = 1 };
        var c = s.Model;
        var page = new HtmlPage($"Flux Matching on {c.Data}");
        page.AddParagraph($"Data: {c.Data}; {s.Steps} steps, batch {s.Batch}, lr {s.LearningRate}, field {ModelChoices.DescribeField(c, (int)data.shape[1])}, " +
                          $"seed {s.Seed}. Samples use the EMA weights; metrics against {data.shape[0]} fresh images (noise floor MMD² {floor.Mmd2:G3}).", "fm-note");
        page.AddSection("samples", "Samples");
        foreach (var r in results)
        {
            using var images = r.Samples.reshape(shape).clamp(Scalars.MinusOne, Scalars.One);
            page.AddChart(ImageCharts.Grid(images, grid, new FigureOptions { Title = $"{r.Key} ({r.Evaluation.SamplerDescription})" }));
        }

        using (var fresh = data.reshape(shape))
        {
            page.AddChart(ImageCharts.Grid(fresh, grid, new FigureOptions { Title = "data" }));
        }

        page.AddSection("training", "Training");
        page.AddChart(LossCharts.Curves(results.Select(r => new LossSeries(r.Key, r.Model.LossHistory))));
        page.AddTable(["model", "MMD²", "energy distance", "sliced W2", "train s"], results.Select(r => (IReadOnlyList<string>)
            [r.Key, r.Metrics.Mmd2.ToString("G4"), r.Metrics.EnergyDistance.ToString("G4"), r.Metrics.SlicedW2.ToString("G4"),
             r.Training.Elapsed.TotalSeconds.ToString("F1")]));
        File.WriteAllText(path, page.ToHtml());
    }

    private static double[,] ToArray(Tensor t)
    {
        using var cpu = t.detach().cpu().to(ScalarType.Float64);
        var flat = cpu.data<double>().ToArray();
        int n = (int)cpu.shape[0], d = (int)cpu.shape[1];
        var a = new double[n, d];
        Buffer.BlockCopy(flat, 0, a, 0, flat.Length * sizeof(double));
        return a;
    }

    private static double Smoothed(double[] losses)
    {
        if (losses.Length == 0)
        {
            return double.NaN;
        }

        double m = losses[0];
        foreach (var l in losses)
        {
            m = 0.98 * m + 0.02 * l;
        }

        return m;
    }
}
