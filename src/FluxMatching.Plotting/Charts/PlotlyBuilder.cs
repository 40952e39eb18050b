namespace FluxMatching.Plotting;

using Microsoft.FSharp.Core;
using Plotly.NET;
using Plotly.NET.LayoutObjects;

/// <summary>
/// Builds Plotly.NET charts from plotly.js attributes directly: traces are <see cref="Trace2D"/> dynamic objects whose
/// properties are set by their plotly.js names (nested objects as anonymous types), which reaches every attribute
/// (zmid, colorbar, hovertemplate …) that the C# wrapper does not expose. Every chart made here is fresh, so the
/// in-place layout edits below never touch a chart the caller holds (Plotly.NET's with* functions mutate shared
/// objects). Charts carry no Plotly.NET default template: serialising that template costs 0.5–1 s per chart
/// (measured), so the few styles used are set explicitly.
/// </summary>
internal static class PlotlyBuilder
{
    /// <summary>Colours of successive series (plotly's default colorway).</summary>
    public static readonly string[] Palette =
        ["#636efa", "#ef553b", "#00cc96", "#ab63fa", "#ffa15a", "#19d3f3", "#ff6692", "#b6e880"];

    /// <summary>Colour of background data samples.</summary>
    public const string DataColor = "rgba(110, 110, 110, 0.45)";

    /// <summary>A scatter trace (mode "lines", "markers" or "lines+markers").</summary>
    public static Trace2D Scatter(string mode, double[] x, double[] y, string? name = null, object? line = null,
        object? marker = null, bool showLegend = true, string? hoverTemplate = null)
    {
        var t = new Trace2D("scatter");
        t.SetProperty("mode", mode);
        t.SetProperty("x", x);
        t.SetProperty("y", y);
        if (name is not null)
        {
            t.SetProperty("name", name);
        }

        if (line is not null)
        {
            t.SetProperty("line", line);
        }

        if (marker is not null)
        {
            t.SetProperty("marker", marker);
        }

        t.SetProperty("showlegend", showLegend && name is not null);
        if (hoverTemplate is not null)
        {
            t.SetProperty("hovertemplate", hoverTemplate);
        }
        else if (mode == "lines")
        {
            t.SetProperty("hoverinfo", "skip");
        }

        return t;
    }

    /// <summary>Grey markers for data samples drawn behind a field or samples.</summary>
    public static Trace2D DataPoints(PointSet data, string name = "data", double size = 3) =>
        Scatter("markers", data.X, data.Y, name, marker: new { color = DataColor, size }, hoverTemplate: "(%{x:.2f}, %{y:.2f})<extra>" + name + "</extra>");

    /// <summary>A heatmap of a scalar grid.</summary>
    public static Trace2D Heatmap(ScalarGrid grid, ColorScale scale, string colorbarTitle, double? zmin = null,
        double? zmax = null, double? zmid = null, bool showScale = true)
    {
        var t = new Trace2D("heatmap");
        t.SetProperty("x", grid.Xs);
        t.SetProperty("y", grid.Ys);
        t.SetProperty("z", grid.ToRows());
        t.SetProperty("colorscale", scale.ToPlotly());
        if (zmin is not null)
        {
            t.SetProperty("zmin", zmin.Value);
        }

        if (zmax is not null)
        {
            t.SetProperty("zmax", zmax.Value);
        }

        if (zmid is not null)
        {
            t.SetProperty("zmid", zmid.Value);
        }

        t.SetProperty("showscale", showScale);
        t.SetProperty("colorbar", ColorBar(colorbarTitle));
        t.SetProperty("hovertemplate", "(%{x:.2f}, %{y:.2f})<br>" + colorbarTitle + " = %{z:.4g}<extra></extra>");
        return t;
    }

    /// <summary>A colour-bar object (a dictionary, so that <see cref="Panels"/> can move it next to its subplot).</summary>
    public static Dictionary<string, object> ColorBar(string title) =>
        new() { ["title"] = new { text = title }, ["thickness"] = 14 };

    /// <summary>A chart of the given traces with title, size and white-background styling.</summary>
    public static GenericChart Figure(IEnumerable<Trace> traces, FigureOptions figure, string defaultTitle)
    {
        figure.Validate();
        var chart = GenericChart.setConfig(Config(), GenericChart.ofTraceObjects(false, traces));
        return MapLayout(chart, l =>
        {
            l.SetProperty("width", figure.Width);
            l.SetProperty("height", figure.Height);
            l.SetProperty("title", new Dictionary<string, object> { ["text"] = figure.Title ?? defaultTitle, ["x"] = 0.5, ["xanchor"] = "center" });
            l.SetProperty("margin", new { l = 60, r = 30, t = 60, b = 50 });
            l.SetProperty("plot_bgcolor", "rgb(250, 250, 252)");
            l.SetProperty("legend", new { orientation = "h", y = -0.12 });
            l.SetProperty("paper_bgcolor", "white");
            l.SetProperty("hovermode", "closest");
            l.SetProperty("font", new { family = "\"Open Sans\", verdana, arial, sans-serif", size = 12, color = "rgb(42, 63, 95)" });
        });
    }

    /// <summary>The plotly config of every chart: responsive, no plotly logo in the mode bar.</summary>
    public static Config Config()
    {
        var c = new Config();
        c.SetProperty("responsive", true);
        c.SetProperty("displaylogo", false);
        return c;
    }

    /// <summary>Sets the axes of a 2-D data plot: fixed ranges from the bounds and, when <paramref name="equalAspect"/>,
    /// one data unit the same length on both axes (so arrows and circles keep their shape).</summary>
    public static GenericChart WithPlaneAxes(GenericChart chart, Bounds2D bounds, bool equalAspect = true,
        string xTitle = "x₁", string yTitle = "x₂") =>
        MapLayout(chart, l =>
        {
            l.SetProperty("xaxis", Axis(xTitle, [bounds.XMin, bounds.XMax]));
            var y = Axis(yTitle, [bounds.YMin, bounds.YMax]);
            if (equalAspect)
            {
                y.SetProperty("scaleanchor", "x");
                y.SetProperty("scaleratio", 1);
            }
            l.SetProperty("yaxis", y);
        });

    /// <summary>A linear axis with title and optional fixed range.</summary>
    public static LinearAxis Axis(string? title, double[]? range = null, string? type = null)
    {
        var a = new LinearAxis();
        if (title is not null)
        {
            a.SetProperty("title", new { text = title });
        }

        if (range is not null)
        {
            a.SetProperty("range", range);
        }

        if (type is not null)
        {
            a.SetProperty("type", type);
        }

        a.SetProperty("zeroline", false);
        a.SetProperty("showgrid", true);
        a.SetProperty("gridcolor", "rgb(228, 228, 234)");
        a.SetProperty("linecolor", "rgb(160, 160, 170)");
        a.SetProperty("showline", true);
        a.SetProperty("mirror", true);
        return a;
    }

    /// <summary>Applies an in-place edit to the chart's layout (only for charts created by this library).</summary>
    public static GenericChart MapLayout(GenericChart chart, Action<Layout> edit) =>
        GenericChart.mapLayout(FuncConvert.FromFunc<Layout, Layout>(l =>
        {
            edit(l);
            return l;
        }), chart);

    /// <summary>Reads a layout property, or null.</summary>
    public static object? TryGet(DynamicObj.DynamicObj obj, string name)
    {
        var v = obj.TryGetPropertyValue(name);
        return FSharpOption<object>.get_IsSome(v) ? v.Value : null;
    }

    /// <summary>A copy of a chart whose traces, layout and axes are new objects (top-level properties copied), so that
    /// edits made by <see cref="Panels"/> or Plotly.NET's Grid (which re-anchors traces in place) never reach the
    /// original chart. Nested values are shared; edits here replace them instead of mutating them.</summary>
    public static GenericChart Clone(GenericChart chart)
    {
        var traces = GenericChart.getTraces(chart).Select(t =>
        {
            var copy = new Trace2D(t.type);
            foreach (var kv in t.GetProperties(false))
            {
                copy.SetProperty(kv.Key, kv.Value);
            }

            return (Trace)copy;
        }).ToList();
        var layout = new Layout();
        foreach (var kv in GenericChart.getLayout(chart).GetProperties(false))
        {
            layout.SetProperty(kv.Key, kv.Value is LinearAxis a ? CopyAxis(a) : kv.Value);
        }

        var clone = GenericChart.setConfig(GenericChart.getConfig(chart), GenericChart.ofTraceObjects(false, traces));
        return GenericChart.setLayout(layout, clone);
    }

    /// <summary>A new axis object with the same top-level properties.</summary>
    public static LinearAxis CopyAxis(LinearAxis axis)
    {
        var copy = new LinearAxis();
        foreach (var kv in axis.GetProperties(false))
        {
            copy.SetProperty(kv.Key, kv.Value);
        }

        return copy;
    }
}
