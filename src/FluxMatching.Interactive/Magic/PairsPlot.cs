namespace FluxMatching.Interactive.Magic;

using System.Globalization;
using FluxMatching.Data;
using FluxMatching.Fields;
using FluxMatching.Models;
using FluxMatching.Plotting;
using TorchSharp;

/// <summary>
/// <c>#!flux plot</c> for data of any dimension (the default for D ≠ 2, or <c>--pairs</c> / <c>--marginals</c>):
/// a pairs grid of data against samples with the sample metrics in its title, the field projected onto the grid's
/// planes, per-coordinate marginals, and the sampler's trajectories in the grid's first plane. Axes are the first k
/// coordinates or the k leading principal components of the data (<c>--project coords|pca</c>, <c>--dims k</c>);
/// everything in data units.
/// </summary>
internal sealed class PairsPlot : IDisposable
{
    /// <summary>Samples drawn for the pairs grid, the marginals and the metrics.</summary>
    public const int SampleCount = 1000;

    /// <summary>The plot kinds that make sense for D-dimensional data.</summary>
    public static readonly IReadOnlyList<string> Kinds = ["--pairs", "--field", "--marginals", "--trajectories"];

    /// <summary>Kinds drawn when none is named: pairs, projected field and marginals.</summary>
    public static readonly IReadOnlyList<string> Defaults = ["--pairs", "--field", "--marginals"];

    /// <summary>Reads <c>--project</c> and <c>--dims</c> for a model of dimension <paramref name="d"/>.</summary>
    public static (ProjectionKind Kind, int Axes) Axes(FluxArguments args, int d)
    {
        var kind = args.Value("--project") == "pca" ? ProjectionKind.Pca : ProjectionKind.Coordinates;
        int k = args.Int("--dims", Math.Min(d, 4), 1, Math.Max(1, Math.Min(d, 8)));
        return (kind, k);
    }

    private readonly FluxModel model;
    private readonly ProjectionKind kind;
    private readonly int axes;
    private SampleEvaluation? evaluation;
    private Projection? projection;
    private torch.Tensor? data;

    /// <summary>Charts of <paramref name="model"/> on k = <paramref name="axes"/> axes; the model is sampled once, on
    /// the first chart that needs samples.</summary>
    public PairsPlot(FluxModel model, ProjectionKind kind, int axes) => (this.model, this.kind, this.axes) = (model, kind, axes);

    /// <summary>Frees the samples.</summary>
    public void Dispose()
    {
        this.evaluation?.Dispose();
        this.data?.Dispose();
    }

    /// <summary>The training data in data units, CPU float32: all points of a finite data set, else draws.</summary>
    private static torch.Tensor TrainingPoints(FluxModel model)
    {
        if (model.Data is UserData { Train: PointCloud cloud })
        {
            return cloud.Points.to(torch.ScalarType.Float32, torch.CPU).clone();
        }

        using var z = model.Data.Sample(SampleCount, new torch.Generator(12345), torch.CPU);
        return DataUnits.ToData(model.Data, z).to(torch.ScalarType.Float32);
    }

    /// <summary>Builds one chart (a GenericChart, or an AnimatedChart for trajectories).</summary>
    public object Chart(string name, string kind)
    {
        var model = this.model;
        int axes = this.axes;
        var projectionKind = this.kind;
        var evaluation = this.evaluation ??= SampleEvaluation.Run(model, FluxDefaults.Sampling with { N = SampleCount });
        var data = this.data ??= TrainingPoints(model);   // the metrics use the held-out points; the charts show the training data
        var projection = this.projection ??= Projection.Create(projectionKind, data, axes);
        var how = projectionKind == ProjectionKind.Pca ? $"first {axes} principal components of the data" : $"first {axes} of {model.Data.Dimension} coordinates";
        var units = model.Data is UserData { Standardization: not null } ? ", data units" : "";
        switch (kind)
        {
            case "--pairs":
                var m = evaluation.Metrics;
                var metrics = m is null ? "" : string.Create(CultureInfo.InvariantCulture,
                    $"<br><sub>MMD² = {m.Mmd2:G3}, energy distance = {m.EnergyDistance:G3}, sliced W₂ = {m.SlicedW2:G3} ({m.SampleCount} samples against {m.ReferenceCount} {(model.Data is UserData { HeldOut: not null } ? "held-out" : "data")} points)</sub>");
                return PairsCharts.DataVsSamples(data, evaluation.Samples, projection, Figure(axes, $"{name}: data (grey) and samples, {how}{units}{metrics}"));
            case "--marginals":
                return PairsCharts.Marginals(data, evaluation.Samples, figure: null);
            case "--field":
                var sigma = model.Config.Annealed ? model.Config.SigmaMin : (double?)null;
                var at = sigma is null ? "" : $" at σ = {sigma}";
                return PairsCharts.FieldArrows(DataUnitsField.For(model.Field, model.Data), data, projection, sigma,
                    figure: Figure(axes, $"{name}: field f projected onto the planes{at} (arrows normalised), {how}{units}"));
            case "--trajectories":
                return Trajectories(model, name, projection, data, how + units);
            default:
                throw new FluxUsageException($"#!flux plot: {kind} needs 2-D data; for {model.Data.Dimension}-D data use {string.Join(", ", Kinds)}.");
        }
    }

    private static AnimatedChart Trajectories(FluxModel model, string name, Projection projection, torch.Tensor data, string how)
    {
        if (projection.Axes < 2)
        {
            throw new FluxUsageException("#!flux plot: --trajectories needs --dims 2 or more.");
        }

        var result = model.Sample(FluxDefaults.Sampling with { N = PlotCommand.TrajectoryChains, RecordTrajectory = true, Frames = 50 });
        try
        {
            using var scope = torch.NewDisposeScope();
            var path = DataUnits.ToData(model.Data, result.Trajectory!);
            var plane = projection.Plane(path, 0, 1);
            var reference = projection.Points(data);
            var target = new PointSet(reference[0], reference[1]);
            return TrajectoryCharts.Animation(plane, null, target, new FigureOptions
            {
                Title = $"{name}: sampler trajectories in the plane ({projection.Names[0]}, {projection.Names[1]}), {how}",
            });
        }
        finally
        {
            result.Samples.Dispose();
            result.Trajectory?.Dispose();
        }
    }

    private static FigureOptions Figure(int k, string title) =>
        new() { Title = title, Width = Math.Min(4000, 210 * k + 110), Height = Math.Min(4000, 210 * k + 160) };
}
