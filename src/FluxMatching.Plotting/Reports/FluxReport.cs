namespace FluxMatching.Plotting;

using System.Globalization;
using FluxMatching.Analysis;
using Plotly.NET;

/// <summary>
/// Builds the self-contained <c>report.html</c> of a training run (offline: plotly.js embedded once). Sections, each a
/// <c>&lt;section&gt;</c> with a fixed id: <c>loss-curves</c> (raw + EMA per model), <c>samples</c> (samples against
/// the data's density contours, per model), <c>fields</c> (per model: arrows, RK4 streamlines, curl map),
/// <c>comparison</c> (the models side by side, e.g. Flux beside DSM: samples, arrows and curl), <c>trajectories</c>
/// (only when a model has one) and <c>metrics</c> (a table of every model's metrics).
/// </summary>
public static class FluxReport
{
    /// <summary>Section ids in page order (<c>trajectories</c> appears only when a model records a trajectory).</summary>
    public static IReadOnlyList<string> SectionIds { get; } = ["loss-curves", "samples", "fields", "comparison", "trajectories", "metrics"];

    /// <summary>Builds the report page.</summary>
    /// <param name="input">Models, data and settings.</param>
    public static HtmlPage Build(ReportInput input)
    {
        Validate(input);
        var data = input.DataSamples is { } d ? PointSet.FromArray(d) : null;
        var bounds = input.Bounds ?? DefaultBounds(input, data);
        var page = new HtmlPage(input.Title);
        page.AddParagraph($"Generated {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC by FluxMatching.Plotting (plotly.js {HtmlExport.PlotlyJsVersion}, offline).", "fm-note");
        if (!string.IsNullOrWhiteSpace(input.Notes))
        {
            page.AddParagraph(input.Notes);
        }

        page.AddSection("loss-curves", "Loss curves");
        var withLoss = input.Models.Where(m => m.LossHistory.Count > 0).ToList();
        if (withLoss.Count == 0)
        {
            page.AddParagraph("No loss history was recorded.", "fm-note");
        }

        foreach (var m in withLoss)
        {
            page.AddChart(LossCharts.Curve(m.LossHistory, m.Name, figure: new FigureOptions { Title = $"{m.Name}: training loss", Width = 700, Height = 400 }));
        }

        page.AddParagraph("The Flux Matching loss is not an MSE: it is unbounded below and does not shrink to 0; the bold line is a debiased EMA (w = 0.95) of the light raw values.", "fm-note");

        page.AddSection("samples", "Samples against data");
        foreach (var m in input.Models)
        {
            if (m.Samples is null)
            {
                continue;
            }

            page.AddChart(SamplesChart(m, data, bounds));
        }
        if (input.Models.All(m => m.Samples is null))
        {
            page.AddParagraph("No samples were given.", "fm-note");
        }

        page.AddSection("fields", "Learned field");
        var curls = new Dictionary<string, double>();
        foreach (var m in input.Models)
        {
            if (m.Field is null)
            {
                continue;
            }

            var eval = new FieldEvaluationOptions { Sigma = m.Sigma };
            var grid = FieldGrid.Evaluate(m.Field, bounds, input.CurlResolution, eval);
            curls[m.Name] = grid.Curl().MeanAbs();
            var quiver = FieldCharts.Quiver(m.Field, bounds, input.QuiverResolution, background: data?.Thin(800), evaluation: eval);
            var stream = FieldCharts.Streamlines(m.Field, bounds, new StreamlineOptions { SeedsPerAxis = input.StreamlineSeeds }, data?.Thin(800), eval);
            var curl = FieldCharts.Curl(grid);
            page.AddChart(Panels.SideBySide([quiver, stream, curl],
                [$"{m.Name}: arrows (colour = |f|)", $"{m.Name}: streamlines (RK4)", $"{m.Name}: curl, mean |curl| = {curls[m.Name]:G4}"],
                figure: new FigureOptions { Title = $"{m.Name}: learned field", Width = 1380, Height = 470 }));
        }
        if (curls.Count == 0)
        {
            page.AddParagraph("No field was given.", "fm-note");
        }

        page.AddSection("comparison", string.Join(" beside ", input.Models.Select(m => m.Name)));
        if (input.Models.Count < 2)
        {
            page.AddParagraph("Only one model: nothing to compare.", "fm-note");
        }
        else
        {
            page.AddChart(Comparison(input, data, bounds));
        }

        var withTrajectory = input.Models.Where(m => m.Trajectory is { Count: > 0 }).ToList();
        if (withTrajectory.Count > 0)
        {
            page.AddSection("trajectories", "Sampler trajectories");
            foreach (var m in withTrajectory)
            {
                page.AddChart(TrajectoryCharts.Animation(m.Trajectory!.Select(PointSet.FromArray).ToList(),
                    new TrajectoryAnimationOptions { Bounds = bounds }, data?.Thin(1500), new FigureOptions { Title = $"{m.Name}: sampler trajectory" }));
            }
        }

        page.AddSection("metrics", "Metrics");
        AddMetricsTable(page, input, curls);
        return page;
    }

    /// <summary>The report as one HTML document.</summary>
    /// <param name="input">Models, data and settings.</param>
    public static string ToHtml(ReportInput input) => Build(input).ToHtml();

    /// <summary>Writes the report (e.g. to <c>report.html</c>) and returns the full path.</summary>
    /// <param name="input">Models, data and settings.</param>
    /// <param name="path">Output file; its folder is created.</param>
    public static string Save(ReportInput input, string path) => Build(input).Save(path);

    private static GenericChart SamplesChart(ModelReport m, PointSet? data, Bounds2D bounds)
    {
        var samples = PointSet.FromArray(m.Samples!);
        var options = new SampleChartOptions { SampleName = $"{m.Name} samples", TargetName = "data density", Bounds = bounds };
        var figure = new FigureOptions { Title = $"{m.Name}: samples against data" };
        return data is null ? SampleCharts.Scatter(samples, options, figure) : SampleCharts.AgainstTarget(samples, data, options, figure);
    }

    private static GenericChart Comparison(ReportInput input, PointSet? data, Bounds2D bounds)
    {
        var models = input.Models.Take(8).ToList();
        var charts = new List<GenericChart>();
        var titles = new List<string>();
        bool anySamples = models.Any(m => m.Samples is not null), anyField = models.Any(m => m.Field is not null);
        if (anySamples)
        {
            foreach (var m in models)
            {
                charts.Add(m.Samples is null ? SampleCharts.Scatter(new PointSet([], []), new SampleChartOptions { Bounds = bounds }) : SamplesChart(m, data, bounds));
                titles.Add($"{m.Name}: samples");
            }
        }

        if (anyField)
        {
            var grids = models.ToDictionary(m => m.Name, m => m.Field is null ? null
                : FieldGrid.Evaluate(m.Field, bounds, input.CurlResolution, new FieldEvaluationOptions { Sigma = m.Sigma }));
            // one colour range for every curl map, so that a curl-free field (DSM) reads as white beside a swirling one
            double limit = grids.Values.Where(g => g is not null).Select(g => FieldCharts.SymmetricLimit(g!.Curl())).Max();
            foreach (var kind in new[] { "arrows", "curl" })
            {
                foreach (var m in models)
                {
                    var eval = new FieldEvaluationOptions { Sigma = m.Sigma };
                    charts.Add(m.Field is null ? SampleCharts.Scatter(new PointSet([], []), new SampleChartOptions { Bounds = bounds })
                        : kind == "arrows" ? FieldCharts.Quiver(m.Field, bounds, input.QuiverResolution, background: data?.Thin(800), evaluation: eval)
                        : FieldCharts.Curl(grids[m.Name]!, limit: limit));
                    titles.Add(kind == "curl" ? $"{m.Name}: curl (shared colour range ±{limit:G3})" : $"{m.Name}: {kind}");
                }
            }
        }
        if (charts.Count == 0)
        {
            charts.Add(LossCharts.Curves(models.Where(m => m.LossHistory.Count > 0).Select(m => new LossSeries(m.Name, m.LossHistory))));
            titles.Add("losses");
        }
        int rows = (charts.Count + models.Count - 1) / models.Count;
        return Panels.SideBySide(charts, titles, models.Count,
            new FigureOptions { Title = string.Join(" vs ", models.Select(m => m.Name)), Width = Math.Min(4000, 440 * models.Count), Height = Math.Min(4000, 420 * rows) });
    }

    private static void AddMetricsTable(HtmlPage page, ReportInput input, Dictionary<string, double> curls)
    {
        var keys = input.Models.SelectMany(m => m.Metrics.Keys).Distinct().ToList();
        string curlKey = $"mean |curl| ({input.CurlResolution}² grid)";
        if (curls.Count > 0)
        {
            keys.Add(curlKey);
        }

        if (keys.Count == 0)
        {
            page.AddParagraph("No metrics were given.", "fm-note");
            return;
        }
        string F(double v) => v.ToString("G5", CultureInfo.InvariantCulture);
        var rows = input.Models.Select(m => (IReadOnlyList<string>)new[] { m.Name }.Concat(keys.Select(k =>
            k == curlKey ? (curls.TryGetValue(m.Name, out var c) ? F(c) : "—")
            : m.Metrics.TryGetValue(k, out var v) ? F(v) : "—")).ToArray());
        page.AddTable(new[] { "model" }.Concat(keys).ToArray(), rows);
    }

    private static Bounds2D DefaultBounds(ReportInput input, PointSet? data)
    {
        if (data is { Count: > 0 })
        {
            return Bounds2D.SymmetricAround(data, 0.25);
        }

        var first = input.Models.FirstOrDefault(m => m.Samples is not null)?.Samples;
        return first is null ? Bounds2D.Square(4.5) : Bounds2D.SymmetricAround(PointSet.FromArray(first), 0.25);
    }

    private static void Validate(ReportInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Models is null || input.Models.Count == 0)
        {
            throw new ArgumentException("input.Models must hold at least one model; got none.", nameof(input));
        }

        if (input.QuiverResolution is < 2 or > 200)
        {
            throw new ArgumentOutOfRangeException(nameof(input), input.QuiverResolution, "QuiverResolution must be in 2 … 200.");
        }

        if (input.CurlResolution is < 3 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(input), input.CurlResolution, "CurlResolution must be in 3 … 1000.");
        }

        if (input.StreamlineSeeds is < 1 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(input), input.StreamlineSeeds, "StreamlineSeeds must be in 1 … 100.");
        }

        foreach (var m in input.Models)
        {
            if (string.IsNullOrWhiteSpace(m.Name))
            {
                throw new ArgumentException("Every model needs a non-empty Name.", nameof(input));
            }

            if (m.Samples is { } s && s.GetLength(1) != 2)
            {
                throw new ArgumentException($"Model '{m.Name}': Samples must be [N, 2]; got [{s.GetLength(0)}, {s.GetLength(1)}].", nameof(input));
            }
        }
        if (input.Models.Select(m => m.Name).Distinct().Count() != input.Models.Count)
        {
            throw new ArgumentException("Model names must be distinct.", nameof(input));
        }

        if (input.DataSamples is { } d && d.GetLength(1) != 2)
        {
            throw new ArgumentException($"DataSamples must be [N, 2]; got [{d.GetLength(0)}, {d.GetLength(1)}].", nameof(input));
        }
    }
}
