namespace FluxMatching.Interactive.Magic;

using FluxMatching.Analysis;
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
        if (model.Data.Dimension != 2)
            throw new FluxUsageException($"{args.Prefix}: {name} models {model.Data.Dimension}-D data; field plots need 2-D data.");
        var kinds = FluxCommandSet.PlotKinds.Where(args.Has).ToList();
        if (kinds.Count == 0) kinds.Add("--field");
        ModelCommands.Require(args.Prefix);
        using (await session.UseAsync(model))
        {
            foreach (var kind in kinds)
            {
                var chart = await Task.Run(() => Chart(model, name, kind), CancellationToken.None);
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
        using var noGrad = kind is "--field" or "--streamlines" ? torch.no_grad() : null;
        return kind switch
        {
            "--field" => FieldCharts.Quiver(model.Field, bounds, 20, null, data, evaluation, Figure("field f (arrows normalised, colour = |f|)")),
            "--streamlines" => FieldCharts.Streamlines(model.Field, bounds, null, data, evaluation, Figure("streamlines of f")),
            "--curl" => Curl(model, bounds, evaluation, Figure),
            "--divergence" => FieldCharts.Divergence(model.Field, bounds, 80, evaluation, Figure("divergence of f")),
            "--trajectories" => Trajectories(model, name, data),
            _ => throw new FluxUsageException($"Unknown plot kind {kind}."),
        };
    }

    private static Plotly.NET.GenericChart Curl(FluxModel model, Bounds2D bounds, FieldEvaluationOptions evaluation, Func<string, FigureOptions> figure)
    {
        var grid = FieldGrid.Evaluate(model.Field, bounds, 80, evaluation);
        return FieldCharts.Curl(grid, figure($"curl of f, mean |curl| = {grid.Curl().MeanAbs().ToString("G4", System.Globalization.CultureInfo.InvariantCulture)}"));
    }

    private static AnimatedChart Trajectories(FluxModel model, string name, PointSet data)
    {
        var result = model.Sample(new SamplingRequest { N = TrajectoryChains, RecordTrajectory = true, Frames = 50 });
        try
        {
            return TrajectoryCharts.Animation(result.Trajectory!, null, data, new FigureOptions { Title = $"{name}: sampler trajectories" });
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
        return PointSet.FromTensor(model.Data.Sample(BackgroundPoints, new torch.Generator(12345)));
    }
}
