namespace FluxMatching.Interactive.Html;

using System.Globalization;
using System.Text;
using FluxMatching.Plotting;

/// <summary>
/// A small inline SVG line chart of a loss history. Used by the live training display and the model and training-run
/// formatters: it needs no JavaScript, so it renders anywhere and stays cheap to redraw many times.
/// </summary>
internal static class LossCurveSvg
{
    /// <summary>Most points drawn; longer histories are reduced to bucket means.</summary>
    public const int MaxPoints = 400;

    /// <summary>Renders the curve (non-finite losses are skipped).</summary>
    /// <param name="losses">Per-step losses.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <returns>An &lt;svg&gt; element, or an empty string when there is nothing finite to draw.</returns>
    public static string Render(IReadOnlyList<double> losses, int width = 360, int height = 120)
    {
        var points = Reduce(losses);
        if (points.Count == 0)
        {
            return "";
        }

        double lo = points.Min(p => p.Y), hi = points.Max(p => p.Y);
        if (hi - lo < 1e-12) { lo -= 0.5; hi += 0.5; }
        double maxX = Math.Max(1, points[^1].X);
        const int left = 48, right = 6, top = 6, bottom = 18;
        double sx(double x) => left + (width - left - right) * x / maxX;
        double sy(double y) => top + (height - top - bottom) * (hi - y) / (hi - lo);
        var c = CultureInfo.InvariantCulture;
        var path = new StringBuilder();
        for (int i = 0; i < points.Count; i++)
        {
            path.Append(i == 0 ? 'M' : 'L').Append(sx(points[i].X).ToString("0.#", c)).Append(',').Append(sy(points[i].Y).ToString("0.#", c));
        }

        return $"<svg class=\"flux-loss\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" " +
               $"viewBox=\"0 0 {width} {height}\" style=\"font:10px sans-serif\">" +
               $"<rect x=\"{left}\" y=\"{top}\" width=\"{width - left - right}\" height=\"{height - top - bottom}\" fill=\"#f4f6fa\"/>" +
               $"<text x=\"{left - 4}\" y=\"{top + 8}\" text-anchor=\"end\">{HtmlText.Number(hi)}</text>" +
               $"<text x=\"{left - 4}\" y=\"{height - bottom}\" text-anchor=\"end\">{HtmlText.Number(lo)}</text>" +
               $"<text x=\"{width - right}\" y=\"{height - 4}\" text-anchor=\"end\">step {HtmlText.Count((long)maxX)}</text>" +
               $"<path d=\"{path}\" fill=\"none\" stroke=\"#3b5bdb\" stroke-width=\"1.3\"/></svg>";
    }

    /// <summary>Bucket means of the finite losses: at most <see cref="MaxPoints"/> points (x = 1-based step).</summary>
    internal static List<(double X, double Y)> Reduce(IReadOnlyList<double> losses)
    {
        var result = new List<(double X, double Y)>();
        int n = losses.Count;
        if (n == 0)
        {
            return result;
        }

        int bucket = Math.Max(1, (int)Math.Ceiling(n / (double)MaxPoints));
        for (int start = 0; start < n; start += bucket)
        {
            double sum = 0; int count = 0;
            int end = Math.Min(n, start + bucket);
            for (int i = start; i < end; i++)
            {
                if (double.IsFinite(losses[i])) { sum += losses[i]; count++; }
            }

            if (count > 0)
            {
                result.Add((end, sum / count));
            }
        }
        return result;
    }
}
