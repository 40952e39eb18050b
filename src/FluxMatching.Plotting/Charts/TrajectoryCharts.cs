namespace FluxMatching.Plotting;

using System.Text;
using System.Text.Json;
using Plotly.NET;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>Animations of sampler trajectories (e.g. Langevin chains, <c>SampleResult.Trajectory</c> [T, N, 2]): the
/// particles move frame by frame over the (static) target, with Play/Pause buttons and a frame slider.</summary>
public static class TrajectoryCharts
{
    /// <summary>Animation of a trajectory tensor [T, N, 2] on any device (only the kept frames and particles are read
    /// back to host memory).</summary>
    /// <param name="trajectory">Recorded states [T, N, 2], T ≥ 1.</param>
    /// <param name="options">Frame and particle limits, speed, labels.</param>
    /// <param name="target">Target samples drawn in grey behind the particles, or null.</param>
    /// <param name="figure">Title and size.</param>
    public static AnimatedChart Animation(Tensor trajectory, TrajectoryAnimationOptions? options = null,
        PointSet? target = null, FigureOptions? figure = null)
    {
        ArgumentNullException.ThrowIfNull(trajectory);
        if (trajectory.dim() != 3 || trajectory.shape[2] != 2 || trajectory.shape[0] < 1 || trajectory.shape[1] < 1)
        {
            throw new ArgumentException($"trajectory must have shape [T, N, 2] with T, N ≥ 1; got [{string.Join(", ", trajectory.shape)}].", nameof(trajectory));
        }

        options ??= new TrajectoryAnimationOptions();
        options.Validate();
        var keep = KeptFrames((int)trajectory.shape[0], options.MaxFrames);
        int n = (int)Math.Min(trajectory.shape[1], options.MaxPoints);
        var frames = new List<PointSet>();
        using (var scope = torch.NewDisposeScope())
        using (var noGrad = torch.no_grad())
        {
            var index = torch.tensor(keep.Select(k => (long)k).ToArray(), device: trajectory.device);
            var picked = trajectory.detach().index_select(0, index).narrow(1, 0, n).to(ScalarType.Float64).cpu().contiguous();
            var flat = picked.data<double>().ToArray();
            for (int f = 0; f < keep.Length; f++)
            {
                var x = new double[n];
                var y = new double[n];
                for (int i = 0; i < n; i++)
                {
                    (x[i], y[i]) = (flat[(f * n + i) * 2], flat[(f * n + i) * 2 + 1]);
                }

                frames.Add(new PointSet(x, y));
            }
        }
        var labels = keep.Select(k => options.FrameLabels is { } l && k < l.Count ? l[k] : k.ToString()).ToArray();
        return Build(frames, labels, options, target, figure);
    }

    /// <summary>Animation of recorded frames given as point sets (one per recorded step).</summary>
    /// <param name="frames">At least one frame.</param>
    /// <param name="options">Frame and particle limits, speed, labels.</param>
    /// <param name="target">Target samples drawn in grey behind the particles, or null.</param>
    /// <param name="figure">Title and size.</param>
    public static AnimatedChart Animation(IReadOnlyList<PointSet> frames, TrajectoryAnimationOptions? options = null,
        PointSet? target = null, FigureOptions? figure = null)
    {
        ArgumentNullException.ThrowIfNull(frames);
        if (frames.Count == 0)
        {
            throw new ArgumentException("frames must hold at least one frame; got 0.", nameof(frames));
        }

        options ??= new TrajectoryAnimationOptions();
        options.Validate();
        var keep = KeptFrames(frames.Count, options.MaxFrames);
        var kept = keep.Select(k => Head(frames[k], options.MaxPoints)).ToList();
        var labels = keep.Select(k => options.FrameLabels is { } l && k < l.Count ? l[k] : k.ToString()).ToArray();
        return Build(kept, labels, options, target, figure);
    }

    /// <summary>Indices of the frames kept: evenly spaced, always including the first and the last.</summary>
    internal static int[] KeptFrames(int total, int max) => total <= max
        ? Enumerable.Range(0, total).ToArray()
        : Enumerable.Range(0, max).Select(i => (int)Math.Round((double)i * (total - 1) / (max - 1), MidpointRounding.AwayFromZero)).Distinct().ToArray();

    private static PointSet Head(PointSet p, int n) => p.Count <= n ? p : new PointSet(p.X[..n], p.Y[..n]);

    private static AnimatedChart Build(List<PointSet> frames, string[] labels, TrajectoryAnimationOptions options,
        PointSet? target, FigureOptions? figure)
    {
        var bounds = options.Bounds ?? Bounds2D.SymmetricAround(new PointSet(
            frames.SelectMany(f => f.X).Concat(target?.X ?? []).ToArray(), frames.SelectMany(f => f.Y).Concat(target?.Y ?? []).ToArray()));
        var traces = new List<Trace>();
        if (target is not null)
        {
            traces.Add(PlotlyBuilder.DataPoints(target.Thin(4000), "target"));
        }

        int particleTrace = traces.Count;
        traces.Add(PlotlyBuilder.Scatter("markers", frames[0].X, frames[0].Y, "particles",
            marker: new { color = options.Color, size = 4 }, hoverTemplate: "(%{x:.2f}, %{y:.2f})<extra></extra>"));
        var names = labels.Select((l, i) => $"frame {i}: {l}").ToArray();
        var chart = PlotlyBuilder.Figure(traces, (figure ?? new()) with { Height = (figure?.Height ?? 500) + 110 }, "Sampler trajectory");
        chart = PlotlyBuilder.WithPlaneAxes(chart, bounds);
        // plotly.js Plotly.animate(gd, frameOrGroupNameOrFrameList, animationAttributes) button/slider arguments:
        // null = all frames (play), [null] = stop at the current frame (pause), [name] = jump to that frame.
        object Animate(object? which, int duration) => new object?[]
        {
            which,
            new { mode = "immediate", fromcurrent = true, frame = new { duration, redraw = false }, transition = new { duration = 0 } },
        };
        chart = PlotlyBuilder.MapLayout(chart, l =>
        {
            l.SetProperty("margin", new { l = 60, r = 30, t = 60, b = 150 });
            l.SetProperty("legend", new { x = 1.0, xanchor = "right", y = 1.0, yanchor = "top", bgcolor = "rgba(255, 255, 255, 0.75)" });
            l.SetProperty("updatemenus", new object[]
            {
                new
                {
                    type = "buttons", direction = "left", showactive = false, x = 0.0, y = -0.2, xanchor = "left", yanchor = "top",
                    pad = new { r = 10, t = 10 },
                    buttons = new object[]
                    {
                        new { label = "▶ Play", method = "animate", args = Animate(null, options.FrameDurationMs) },
                        new { label = "❚❚ Pause", method = "animate", args = Animate(new object?[] { null }, 0) },
                    },
                },
            });
            l.SetProperty("sliders", new object[]
            {
                new
                {
                    active = 0, x = 0.36, len = 0.64, y = -0.2, yanchor = "top", pad = new { t = 10 },
                    currentvalue = new { prefix = "step ", visible = true, xanchor = "right" },
                    steps = labels.Select((lab, i) => new { label = lab, method = "animate", args = Animate(new[] { names[i] }, 0) }).ToArray(),
                },
            });
        });
        return new AnimatedChart(chart, FramesJson(frames, names, particleTrace), names);
    }

    private static string FramesJson(List<PointSet> frames, string[] names, int traceIndex)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartArray();
            for (int f = 0; f < frames.Count; f++)
            {
                w.WriteStartObject();
                w.WriteString("name", names[f]);
                w.WriteStartArray("data");
                w.WriteStartObject();
                WriteNumbers(w, "x", frames[f].X);
                WriteNumbers(w, "y", frames[f].Y);
                w.WriteEndObject();
                w.WriteEndArray();
                w.WriteStartArray("traces");
                w.WriteNumberValue(traceIndex);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteNumbers(Utf8JsonWriter w, string name, double[] values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            if (double.IsFinite(v))
            {
                w.WriteNumberValue((float)v);
            }
            else
            {
                w.WriteNullValue();
            }
        }

        w.WriteEndArray();
    }
}
