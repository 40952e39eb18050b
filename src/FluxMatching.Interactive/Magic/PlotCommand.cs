namespace FluxMatching.Interactive.Magic;

using FluxMatching.Analysis;
using FluxMatching.Data;
using FluxMatching.Fields;
using FluxMatching.Interactive.Html;
using FluxMatching.Interactive.Session;
using FluxMatching.Models;
using FluxMatching.Plotting;
using Microsoft.DotNet.Interactive;
using Plotly.NET;
using Microsoft.DotNet.Interactive.Formatting;
using TorchSharp;

/// <summary>
/// <c>#!flux plot NAME [--field] [--streamlines] [--curl] [--divergence] [--trajectories]</c>: charts of the learned
/// field f_θ (the trained parameters; annealed models at σ = sigma-min) over the data, one output per chart.
/// </summary>
internal static class PlotCommand
{
    /// <summary>Data points drawn behind arrows and streamlines (the reference notebook shows 800 ring points).</summary>
    public const int BackgroundPoints = 800;

    /// <summary>Chains animated by <c>--trajectories</c>.</summary>
    public const int TrajectoryChains = 300;

    /// <summary>Runs the subcommand.</summary>
    public static async Task RunAsync(NotebookSession session, FluxArguments args, KernelInvocationContext context)
    {
        var name = args.Positional("NAME")!;
        var model = session.Models.Get(name, args.Prefix);
        var kinds = FluxCommandSet.PlotKinds.Where(args.Has).ToList();
        if (kinds.Contains("--grid") || (kinds.Count == 0 && model.Data is IImageSource))
        {
            await ImageGridPlot.ShowAsync(session, model, name, args, context);
            return;
        }

        bool pairs = model.Data.Dimension != 2 || kinds.Contains("--pairs") || kinds.Contains("--marginals");
        if (kinds.Count == 0)
        {
            kinds.AddRange(model.Data.Dimension != 2 ? PairsPlot.Defaults : ["--field"]);
        }

        if (pairs && kinds.FirstOrDefault(k => !PairsPlot.Kinds.Contains(k)) is { } flat)
        {
            throw new FluxUsageException($"{args.Prefix}: {flat} needs a 2-D model without --pairs/--marginals; {name} models {model.Data.Dimension}-D data. Use {string.Join(", ", PairsPlot.Kinds)}.");
        }

        var (projection, axes) = PairsPlot.Axes(args, model.Data.Dimension);
        ModelCommands.Require(args.Prefix);
        using (await session.UseAsync(model))
        {
            using var shared = pairs ? new PairsPlot(model, projection, axes) : null;   // one sampling for every chart
            foreach (var kind in kinds)
            {
                var chart = await Task.Run(() => shared is not null ? shared.Chart(name, kind) : Chart(model, name, kind), CancellationToken.None);
                var html = chart is AnimatedChart animated ? session.Plotly.ToHtml(animated) : session.Plotly.ToHtml((GenericChart)chart);
                KernelInvocationContextExtensions.Display(context, new RawHtml(html), HtmlFormatter.MimeType);
            }
        }
    }

    /// <summary>Builds one chart (a GenericChart, or an AnimatedChart for trajectories).</summary>
    internal static object Chart(FluxModel model, string name, string kind)
    {
        var data = DataPoints(model);
        var bounds = Bounds2D.SymmetricAround(data, 0.15);
        var evaluation = new FieldEvaluationOptions { Sigma = model.Config.Annealed ? model.Config.SigmaMin : null };
        var sigma = model.Config.Annealed ? $" at σ = {model.Config.SigmaMin}" : "";
        FigureOptions Figure(string what) => new() { Title = $"{name}: {what}{sigma}" };
        var field = DataUnitsField.For(model.Field, model.Data);   // a standardized model's drift in data units
        using var noGrad = kind is "--field" or "--streamlines" ? torch.no_grad() : null;
        return kind switch
        {
            "--field" => FieldCharts.Quiver(field, bounds, 20, null, data, evaluation, Figure("field f (arrows normalised, colour = |f|)")),
            "--streamlines" => FieldCharts.Streamlines(field, bounds, null, data, evaluation, Figure("streamlines of f")),
            "--curl" => Curl(model, bounds, evaluation, Figure),
            "--divergence" => FieldCharts.Divergence(field, bounds, 80, evaluation, Figure("divergence of f")),
            "--trajectories" => Trajectories(model, name, data),
            _ => throw new FluxUsageException($"Unknown plot kind {kind}."),
        };
    }

    private static Plotly.NET.GenericChart Curl(FluxModel model, Bounds2D bounds, FieldEvaluationOptions evaluation, Func<string, FigureOptions> figure)
    {
        var grid = FieldGrid.Evaluate(DataUnitsField.For(model.Field, model.Data), bounds, 80, evaluation);
        return FieldCharts.Curl(grid, figure($"curl of f, mean |curl| = {grid.Curl().MeanAbs().ToString("G4", System.Globalization.CultureInfo.InvariantCulture)}"));
    }

    private static AnimatedChart Trajectories(FluxModel model, string name, PointSet data)
    {
        var result = model.Sample(new SamplingRequest { N = TrajectoryChains, RecordTrajectory = true, Frames = 50 });
        try
        {
            using var path = DataUnits.ToData(model.Data, result.Trajectory!);
            return TrajectoryCharts.Animation(path, null, data, new FigureOptions { Title = $"{name}: sampler trajectories" });
        }
        finally
        {
            result.Samples.Dispose();
            result.Trajectory?.Dispose();
        }
    }

    private static PointSet DataPoints(FluxModel model)
    {
        using var scope = torch.NewDisposeScope();
        return PointSet.FromTensor(DataUnits.ToData(model.Data, model.Data.Sample(BackgroundPoints, new torch.Generator(12345))));
    }
}
