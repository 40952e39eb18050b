namespace FluxMatching.Plotting;

using Plotly.NET;

/// <summary>Training-loss curves: per series the raw values in a light colour and a smoothed curve (EMA or moving
/// average) in full colour. Note the Flux Matching loss is not an MSE: it is unbounded below and does not shrink to 0.</summary>
public static class LossCharts
{
    /// <summary>One loss curve.</summary>
    /// <param name="losses">Loss per step.</param>
    /// <param name="name">Legend name.</param>
    /// <param name="options">Smoothing and style.</param>
    /// <param name="figure">Title and size.</param>
    public static GenericChart Curve(IReadOnlyList<double> losses, string name = "loss", LossChartOptions? options = null,
        FigureOptions? figure = null) => Curves([new LossSeries(name, losses)], options, figure);

    /// <summary>Several loss curves in one chart (e.g. Flux and DSM), one colour per series.</summary>
    /// <param name="series">At least one series.</param>
    /// <param name="options">Smoothing and style.</param>
    /// <param name="figure">Title and size.</param>
    public static GenericChart Curves(IEnumerable<LossSeries> series, LossChartOptions? options = null, FigureOptions? figure = null)
    {
        ArgumentNullException.ThrowIfNull(series);
        var list = series.ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("series must hold at least one loss series; got 0.", nameof(series));
        }

        options ??= new LossChartOptions();
        options.Validate();
        var traces = new List<Trace>();
        for (int s = 0; s < list.Count; s++)
        {
            var (name, values) = (list[s].Name, list[s].Values);
            if (list[s].Steps is { } st && st.Count != values.Count)
            {
                throw new ArgumentException($"Series '{name}': Steps has {st.Count} entries but Values has {values.Count}.", nameof(series));
            }

            var steps = list[s].Steps?.ToArray() ?? Enumerable.Range(1, values.Count).Select(i => (double)i).ToArray();
            var color = PlotlyBuilder.Palette[s % PlotlyBuilder.Palette.Length];
            var keep = Thinned(values.Count, options.MaxPoints);
            if (options.ShowRaw || options.Smoothing == LossSmoothingKind.None)
            {
                traces.Add(PlotlyBuilder.Scatter("lines", keep.Select(i => steps[i]).ToArray(), keep.Select(i => values[i]).ToArray(),
                    options.Smoothing == LossSmoothingKind.None ? name : $"{name} (raw)",
                    line: new { color, width = 1 }, hoverTemplate: "step %{x}: %{y:.4g}<extra>" + name + "</extra>"));
            }

            if (options.ShowRaw && options.Smoothing != LossSmoothingKind.None)
            {
                traces[^1].SetProperty("opacity", options.RawOpacity);
            }

            if (options.Smoothing == LossSmoothingKind.None)
            {
                continue;
            }

            var smooth = options.Smoothing == LossSmoothingKind.Ema
                ? LossSmoothing.Ema(values, options.EmaWeight)
                : LossSmoothing.MovingAverage(values, options.Window);
            string how = options.Smoothing == LossSmoothingKind.Ema ? $"EMA {options.EmaWeight:G3}" : $"MA {options.Window}";
            traces.Add(PlotlyBuilder.Scatter("lines", keep.Select(i => steps[i]).ToArray(), keep.Select(i => smooth[i]).ToArray(),
                $"{name} ({how})", line: new { color, width = 2.2 }, hoverTemplate: "step %{x}: %{y:.4g}<extra>" + name + " smoothed</extra>"));
        }
        var chart = PlotlyBuilder.Figure(traces, figure ?? new() { Width = 760, Height = 420 }, "Training loss");
        return PlotlyBuilder.MapLayout(chart, l =>
        {
            l.SetProperty("xaxis", PlotlyBuilder.Axis("step"));
            l.SetProperty("yaxis", PlotlyBuilder.Axis("loss", type: options.LogY ? "log" : null));
            l.SetProperty("legend", new { orientation = "h", y = -0.2 });
            l.SetProperty("margin", new { l = 70, r = 30, t = 60, b = 90 });
        });
    }

    /// <summary>Indices 0 … count−1 thinned to at most <paramref name="max"/> (every k-th, always the last).</summary>
    private static int[] Thinned(int count, int max)
    {
        if (count <= max)
        {
            return Enumerable.Range(0, count).ToArray();
        }

        int stride = (count + max - 1) / max;
        var idx = Enumerable.Range(0, count).Where(i => i % stride == 0).ToList();
        if (idx[^1] != count - 1)
        {
            idx.Add(count - 1);
        }

        return idx.ToArray();
    }
}
