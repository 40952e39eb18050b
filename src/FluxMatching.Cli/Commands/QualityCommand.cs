namespace FluxMatching.Cli.Commands;

using System.CommandLine;
using System.Diagnostics;
using FluxMatching.Data;
using FluxMatching.Metrics.Images;

/// <summary>`flux quality`: FD (in-project classifier) and KID of generated images (an .npy file) against a data set's
/// training split, with the floor (test split vs training split); without samples, the floor alone. Trains and
/// caches the feature classifier on first use.</summary>
internal static class QualityCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = $"Image data set: {string.Join(", ", ImageDatasets.Names)}.", DefaultValueFactory = _ => "fashion-mnist" };
        var samples = new Option<string?>("--samples") { Description = "Generated images as .npy, [N, C, H, W] or [N, C·H·W], values in [−1, 1] (none: the floor alone)." };
        var count = new Option<int>("--n") { Description = "Images for the floor without --samples (with --samples: as many as the samples).", DefaultValueFactory = _ => 2000 };
        var seed = new Option<long>("--seed") { Description = "Seed of the reference draws and KID's subsets.", DefaultValueFactory = _ => 1 };
        var classifierSeed = new Option<long>("--classifier-seed") { Description = "Seed of the feature classifier's training (part of its cache file name).", DefaultValueFactory = _ => 0 };
        var epochs = new Option<int>("--epochs") { Description = "Epochs of the feature classifier's training.", DefaultValueFactory = _ => new ClassifierOptions().Epochs };
        var device = CliOptions.Device();
        var threads = CliOptions.Threads();
        var cmd = new Command("quality", "FD (in-project classifier) and KID of generated images against a data set, with the test-vs-train floor.")
        {
            data, samples, count, seed, classifierSeed, epochs, device, threads,
        };
        cmd.SetAction(r => CliOptions.Guard(() =>
        {
            var dev = CliOptions.ResolveDevice(r.GetValue(device)!, r.GetValue(threads));
            string dataName = r.GetValue(data)!;
            var shape = ImageShape(dataName);
            var options = new ImageQualityOptions
            {
                Seed = r.GetValue(seed),
                Classifier = new ClassifierOptions { Seed = r.GetValue(classifierSeed), Epochs = r.GetValue(epochs), Device = dev },
            };
            var clock = Stopwatch.StartNew();
            var progress = new SyncProgress(p =>
            {
                if (p.Phase != "train" || p.Step % 100 == 0 || p.Step == p.Steps)
                {
                    Console.WriteLine($"{p.Message} [{clock.Elapsed.TotalSeconds:F0} s]");
                }
            });
            ImageQualityReport report;
            if (r.GetValue(samples) is { } file)
            {
                var cloud = NpyData.Read(file);
                long pixels = shape.Aggregate(1L, (a, b) => a * b);
                if (cloud.Dimension != pixels)
                {
                    throw new ArgumentException(
                        $"--samples '{file}' holds [{cloud.Count}, {string.Join(", ", cloud.SampleShape)}]; {dataName} needs " +
                        $"[N, {string.Join(", ", shape)}] or [N, {pixels}] images.");
                }

                using var images = cloud.Points.to(dev);
                report = ImageQuality.Measure(images.reshape([cloud.Count, .. shape]), dataName, options, progress);
            }
            else
            {
                report = ImageQuality.Floor(dataName, r.GetValue(count), options, progress, dev);
            }

            Console.WriteLine(report.Summary);
            return 0;
        }));
        return cmd;
    }

    /// <summary>[C, H, W] of the data set's images (28×28 grey for both data sets offered).</summary>
    private static long[] ImageShape(string dataName) => dataName switch
    {
        "fashion-mnist" or "mnist" => [1, 28, 28],
        _ => throw new ArgumentException($"--data '{dataName}' is not an image data set; allowed: {string.Join(", ", ImageDatasets.Names)}."),
    };

    private sealed class SyncProgress(Action<ClassifierProgress> report) : IProgress<ClassifierProgress>
    {
        public void Report(ClassifierProgress value) => report(value);
    }
}
