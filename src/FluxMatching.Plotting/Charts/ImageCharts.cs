namespace FluxMatching.Plotting;

using Plotly.NET;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>Image grids: N greyscale or RGB images tiled into one mosaic (one heatmap or image trace, which stays fast
/// for many images), with NaN / white gaps between tiles.</summary>
public static class ImageCharts
{
    /// <summary>Grid of images from a tensor [N, H, W] (greyscale) or [N, C, H, W] with C = 1 (greyscale) or C = 3
    /// (RGB), on any device and floating or integer dtype (read back to host memory as float64).</summary>
    /// <param name="images">Tensor [N, H, W] or [N, C, H, W].</param>
    /// <param name="options">Columns, gaps, value range, size.</param>
    /// <param name="figure">Title (the size comes from <see cref="ImageGridOptions.CellPixels"/>).</param>
    public static GenericChart Grid(Tensor images, ImageGridOptions? options = null, FigureOptions? figure = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        bool ok = images.dim() == 3 || (images.dim() == 4 && images.shape[1] is 1 or 3);
        if (!ok || images.shape[0] < 1)
        {
            throw new ArgumentException($"images must have shape [N, H, W] or [N, C, H, W] with C ∈ {{1, 3}} and N ≥ 1; got [{string.Join(", ", images.shape)}].", nameof(images));
        }

        int n = (int)images.shape[0], c = images.dim() == 4 ? (int)images.shape[1] : 1;
        int h = (int)images.shape[^2], w = (int)images.shape[^1];
        double[] flat;
        using (var scope = torch.NewDisposeScope())
        using (var noGrad = torch.no_grad())
        {
            flat = images.detach().to(ScalarType.Float64).cpu().contiguous().data<double>().ToArray();
        }

        var channels = new double[c][,,];
        for (int ch = 0; ch < c; ch++)
        {
            channels[ch] = new double[n, h, w];
            for (int k = 0; k < n; k++)
            {
                for (int r = 0; r < h; r++)
                {
                    for (int q = 0; q < w; q++)
                    {
                        channels[ch][k, r, q] = flat[((k * c + ch) * h + r) * w + q];
                    }
                }
            }
        }
        return Mosaic(channels, options, figure);
    }

    /// <summary>Grid of greyscale images given as arrays [H, W] (all the same size).</summary>
    /// <param name="images">At least one image; all of shape [H, W].</param>
    /// <param name="options">Columns, gaps, value range, size.</param>
    /// <param name="figure">Title.</param>
    public static GenericChart Grid(IReadOnlyList<double[,]> images, ImageGridOptions? options = null, FigureOptions? figure = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0)
        {
            throw new ArgumentException("images must hold at least one image; got 0.", nameof(images));
        }

        int h = images[0].GetLength(0), w = images[0].GetLength(1);
        var stack = new double[images.Count, h, w];
        for (int k = 0; k < images.Count; k++)
        {
            if (images[k].GetLength(0) != h || images[k].GetLength(1) != w)
            {
                throw new ArgumentException($"All images must be [{h}, {w}]; image {k} is [{images[k].GetLength(0)}, {images[k].GetLength(1)}].", nameof(images));
            }

            for (int r = 0; r < h; r++)
            {
                for (int q = 0; q < w; q++)
                {
                    stack[k, r, q] = images[k][r, q];
                }
            }
        }
        return Mosaic([stack], options, figure);
    }

    /// <summary>Tiles the images; channels[ch] is [N, H, W].</summary>
    private static GenericChart Mosaic(double[][,,] channels, ImageGridOptions? options, FigureOptions? figure)
    {
        options ??= new ImageGridOptions();
        options.Validate();
        int n = channels[0].GetLength(0), h = channels[0].GetLength(1), w = channels[0].GetLength(2), pad = options.Padding;
        int cols = options.Columns ?? Math.Min(n, 8), rows = (n + cols - 1) / cols;
        double lo = options.Min ?? double.PositiveInfinity, hi = options.Max ?? double.NegativeInfinity;
        if (options.Min is null || options.Max is null)
        {
            foreach (var ch in channels)
            {
                foreach (var v in ch)
                {
                    if (!double.IsFinite(v))
                    {
                        continue;
                    }

                    if (options.Min is null)
                    {
                        lo = Math.Min(lo, v);
                    }

                    if (options.Max is null)
                    {
                        hi = Math.Max(hi, v);
                    }
                }
            }
        }

        if (!double.IsFinite(lo) || !double.IsFinite(hi) || !(hi > lo))
        {
            (lo, hi) = (double.IsFinite(lo) ? lo : 0, (double.IsFinite(lo) ? lo : 0) + 1);
        }

        int height = rows * h + (rows + 1) * pad, width = cols * w + (cols + 1) * pad;
        Trace2D trace;
        if (channels.Length == 1)
        {
            var z = new double[height][];
            for (int r = 0; r < height; r++)
            {
                z[r] = Enumerable.Repeat(double.NaN, width).ToArray();
            }

            for (int k = 0; k < n; k++)
            {
                for (int r = 0; r < h; r++)
                {
                    for (int q = 0; q < w; q++)
                    {
                        z[pad + k / cols * (h + pad) + r][pad + k % cols * (w + pad) + q] = channels[0][k, r, q];
                    }
                }
            }

            trace = new Trace2D("heatmap");
            trace.SetProperty("z", z);
            trace.SetProperty("colorscale", ColorScale.Greys.ToPlotly());
            trace.SetProperty("zmin", lo);
            trace.SetProperty("zmax", hi);
            trace.SetProperty("showscale", false);
            trace.SetProperty("hovertemplate", "row %{y}, col %{x}: %{z:.3g}<extra></extra>");
        }
        else
        {
            var z = new int[height][][];
            for (int r = 0; r < height; r++)
            {
                z[r] = new int[width][];
                for (int q = 0; q < width; q++)
                {
                    z[r][q] = [255, 255, 255];
                }
            }
            for (int k = 0; k < n; k++)
            {
                for (int r = 0; r < h; r++)
                {
                    for (int q = 0; q < w; q++)
                    {
                        z[pad + k / cols * (h + pad) + r][pad + k % cols * (w + pad) + q] =
                            [Byte(channels[0][k, r, q], lo, hi), Byte(channels[1][k, r, q], lo, hi), Byte(channels[2][k, r, q], lo, hi)];
                    }
                }
            }

            trace = new Trace2D("image");
            trace.SetProperty("z", z);
            trace.SetProperty("hovertemplate", "row %{y}, col %{x}<extra></extra>");
        }
        double scale = (double)options.CellPixels / Math.Max(h, w);
        var fig = (figure ?? new()) with { Width = Math.Clamp((int)(width * scale) + 40, 100, 4000), Height = Math.Clamp((int)(height * scale) + 80, 100, 4000) };
        var chart = PlotlyBuilder.Figure([trace], fig, $"{n} images");
        return PlotlyBuilder.MapLayout(chart, l =>
        {
            var x = PlotlyBuilder.Axis(null, [-0.5, width - 0.5]);
            var y = PlotlyBuilder.Axis(null, [height - 0.5, -0.5]);
            foreach (var a in new[] { x, y })
            {
                a.SetProperty("visible", false);
                a.SetProperty("showgrid", false);
            }
            y.SetProperty("scaleanchor", "x");
            l.SetProperty("xaxis", x);
            l.SetProperty("yaxis", y);
            l.SetProperty("margin", new { l = 20, r = 20, t = 60, b = 20 });
            l.SetProperty("plot_bgcolor", "white");
        });
    }

    private static int Byte(double v, double lo, double hi) =>
        double.IsFinite(v) ? (int)Math.Round(Math.Clamp((v - lo) / (hi - lo), 0, 1) * 255) : 0;
}
