namespace FluxMatching.Experiments;

using System.Diagnostics;
using FluxMatching.Controllable;
using FluxMatching.Data;
using FluxMatching.Losses;
using FluxMatching.Analysis;
using FluxMatching.Models;
using FluxMatching.Plotting;
using FluxMatching.Runtime;
using FluxMatching.Training;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// The toy check of exp4's fast-mixing regularizer where the answer is exact: on exp1's triangle mixture (clean
/// components of std 0.65, σ = 0.45, so the target p is the smoothed mixture) an MLP field is trained with the fixed-σ
/// flux loss plus Mixing·(L_mix / e^{m(σ)} + m(σ)) (<see cref="MixingRegularizer"/>), and, as the control, the same
/// training without the term (same seed, so the same initialization, batches and flux-loss draws: the term draws from a generator of its own). Both arms first share a flux-only phase
/// (<see cref="FastMixingToyOptions.PretrainSteps"/>, which the mixing term would make too slow on a CPU), then train
/// <see cref="FastMixingToyOptions.Steps"/> more steps with and without the term. Each trained field f is judged on exp1's grid:
/// its mixing speed (<see cref="MixingSpeedCalculator"/>, the score's is 0.0618), the exact stationarity residual of
/// δu = f − s (<see cref="ControllableMetrics.DistributionViolation"/>), its distance from the score, and the
/// Monte-Carlo flux loss on fixed evaluation draws (next to the exact score's on the same draws). CPU, float32
/// training, float64 grid metrics.
/// </summary>
public static class FastMixingToy
{
    /// <summary>Trains and evaluates the runs.</summary>
    /// <param name="options">Settings (null: the defaults).</param>
    /// <param name="progress">Receives one line per finished run (null: none).</param>
    public static FastMixingToyResult Run(FastMixingToyOptions? options = null, IProgress<string>? progress = null)
    {
        options ??= new FastMixingToyOptions();
        options.Validate();
        // The Sinkhorn kernel exp(−C/ε) underflows into float32 denormals, which slow every later operation.
        TorchRuntime.SetFlushDenormal(true);
        using var target = new TriangleMixtureDataset();
        using var clean = new TriangleMixtureDataset(noiseSigma: 0);
        var grid = new ControllableGrid();
        var points = tensor(grid.Grid.PointsFlat(), [grid.Count, 2], ScalarType.Float64);
        var weights = target.LogDensity(points).exp().data<double>().ToArray();
        var score = ToArray(target.Score(points));
        var mixer = new MixingSpeedCalculator(grid, weights);
        var scoreGrid = OnPlotGrid(z => target.Score(z));
        double sigma = target.NoiseSigma;
        double scoreFlux = FluxLoss(z => target.Score(z), clean, sigma, options).Mean;
        var runs = new List<FastMixingToyRun>();
        foreach (long seed in options.Seeds)
        {
            foreach (bool withMixing in new[] { true, false })
            {
                var run = Train(options, clean, sigma, seed, withMixing, grid, points, score, mixer);
                runs.Add(run);
                progress?.Report(FormattableString.Invariant(
                    $"seed {seed} {(withMixing ? "flux + mixing" : "flux only    ")}: mixing speed {run.MixingSpeed:F4}, flux loss {run.FluxLoss:E2} ± {run.FluxLossStandardError:E1}, violation {run.DistributionViolation:F4}, ‖f − s‖ {run.DistanceFromScore:F4}, {run.Seconds:F0} s"));
            }
        }

        points.Dispose();
        return new FastMixingToyResult(options, mixer.MixingSpeed(score), scoreFlux, runs, scoreGrid);
    }

    private static FastMixingToyRun Train(FastMixingToyOptions options, TriangleMixtureDataset clean, double sigma,
        long seed, bool withMixing, ControllableGrid grid, Tensor points, double[,] score, MixingSpeedCalculator mixer)
    {
        var config = new FluxModelConfig
        {
            Data = clean.Name, Hidden = options.Hidden, Depth = options.Depth, Sigma2 = sigma * sigma,
            Mixing = withMixing ? options.Mixing : 0, MixingDrive = options.Drive,
        };
        var watch = Stopwatch.StartNew();
        using var model = new FluxModel(config, clean, seed);
        if (options.PretrainSteps > 0)
        {
            // Phase 1, flux only, the same for both arms (same seed, same draws): start both from a field that
            // already keeps p stationary.
            using var pretrained = new FluxModel(config with { Mixing = 0 }, clean, seed);
            Trainer.Train(pretrained, new TrainerOptions
            {
                Steps = options.PretrainSteps, Batch = options.PretrainBatch, LearningRate = options.LearningRate,
                Seed = seed,
            });
            using (no_grad())
            {
                var source = options.UseEma ? pretrained.Ema : pretrained.Field;
                foreach (var (to, from) in model.Field.parameters().Zip(source.parameters()))
                {
                    to.copy_(from);
                }
            }

            model.CopyFieldToEma();
        }

        Trainer.Train(model, new TrainerOptions
        {
            Steps = options.Steps, Batch = options.Batch, LearningRate = options.LearningRate, Seed = seed + 7919,
        });
        double seconds = watch.Elapsed.TotalSeconds;
        var losses = model.LossHistory;
        int tail = Math.Max(1, losses.Count / 10);
        double final = losses.Count == 0 ? double.NaN : losses.Skip(losses.Count - tail).Average();
        var field = options.UseEma ? model.Ema : model.Field;
        double[,] f;
        using (no_grad())
        {
            using var p32 = points.to(field.DType);
            using var values = field.Evaluate(p32);
            f = ToArray(values.to(ScalarType.Float64));
        }

        int n = grid.Count;
        var delta = new double[n, 2];
        double distance = 0;
        for (int i = 0; i < n; i++)
        {
            delta[i, 0] = f[i, 0] - score[i, 0];
            delta[i, 1] = f[i, 1] - score[i, 1];
            distance += mixer.Weights[i] * ((delta[i, 0] * delta[i, 0]) + (delta[i, 1] * delta[i, 1]));
        }

        var (mean, se) = FluxLoss(z => field.Evaluate(z), clean, sigma, options);
        var plot = OnPlotGrid(GridEvaluator.EvaluateVectors(FastMixingToyResult.PlotGrid, field));

        return new FastMixingToyRun(seed, withMixing, mixer.MixingSpeed(f), mean, se,
            ControllableMetrics.DistributionViolation(grid, delta, score, mixer.Weights), Math.Sqrt(distance), final,
            seconds) { Field = plot };
    }

    /// <summary>Mean and standard error of the flux loss over the evaluation batches (the same draws for every field:
    /// a fresh generator seeded alike).</summary>
    private static (double Mean, double StandardError) FluxLoss(Func<Tensor, Tensor> field,
        TriangleMixtureDataset clean, double sigma, FastMixingToyOptions options)
    {
        var loss = new FluxMatchingLoss();
        var generator = new Generator(12345, CPU);
        var values = new double[options.EvaluationBatches];
        for (int k = 0; k < values.Length; k++)
        {
            using var scope = NewDisposeScope();
            var x = clean.Sample(options.EvaluationBatch, generator, CPU, ScalarType.Float32);
            values[k] = loss.Compute(z => field(z).to(z.dtype), x, sigma * sigma, generator: generator).PerSample.mean()
                .to(ScalarType.Float64).item<double>();
        }

        double mean = values.Average();
        double var = values.Length > 1 ? values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1) : 0;
        return (mean, Math.Sqrt(var / values.Length));
    }

    /// <summary>A function of float64 points [N, 2] evaluated on <see cref="FastMixingToyResult.PlotGrid"/>, for
    /// streamline charts.</summary>
    private static FieldGrid OnPlotGrid(Func<Tensor, Tensor> field) =>
        OnPlotGrid(GridEvaluator.EvaluateVectors(FastMixingToyResult.PlotGrid, field));

    private static FieldGrid OnPlotGrid(double[,,] values) => FieldGrid.FromGrid(FastMixingToyResult.PlotGrid, values);

    private static double[,] ToArray(Tensor t)
    {
        var v = t.contiguous().data<double>().ToArray();
        int n = (int)t.shape[0];
        var a = new double[n, 2];
        for (int i = 0; i < n; i++)
        {
            a[i, 0] = v[2 * i];
            a[i, 1] = v[(2 * i) + 1];
        }

        return a;
    }
}
