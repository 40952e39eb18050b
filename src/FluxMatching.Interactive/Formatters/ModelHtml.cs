namespace FluxMatching.Interactive.Formatters;

using FluxMatching.Interactive.Html;
using FluxMatching.Models;
using FluxMatching.Plotting;
using FluxMatching.Runtime;

/// <summary>HTML for a <see cref="FluxModel"/>: configuration, parameter count, device and training state.</summary>
internal static class ModelHtml
{
    /// <summary>Losses averaged for "recent loss".</summary>
    public const int RecentWindow = 100;

    /// <summary>Renders the model card.</summary>
    /// <param name="model">The model.</param>
    /// <param name="name">Its notebook name, or null.</param>
    public static string Render(FluxModel model, string? name = null)
    {
        var c = model.Config;
        int d = model.Data.Dimension;
        var noise = c.Annealed
            ? c.SigmaDistribution == SigmaDistribution.LogNormal
                ? $"annealed, ln σ ~ N({HtmlText.Number(c.PMean)}, {HtmlText.Number(c.PStd)}²){(c.PerSampleSigma ? " per sample" : "")}, sampling σ ∈ [{HtmlText.Number(c.SigmaMin)}, {HtmlText.Number(c.SigmaMax)}]"
                : $"annealed, σ ∈ [{HtmlText.Number(c.SigmaMin)}, {HtmlText.Number(c.SigmaMax)}]"
            : $"fixed σ² = {HtmlText.Number(c.Sigma2)}";
        var rows = new List<(string, string)>
        {
            ("data", HtmlText.Encode(model.Data is FluxMatching.Data.UserData user ? $"{user.Name} (D = {d}): {user.Describe()}" : $"{model.Data.Name} (D = {d})")),
            ("field", HtmlText.Encode(model.Field is FluxMatching.Fields.ModuleField module
                ? $"your module '{module.Label}' ({module.Module.GetType().Name.Split('`')[0]}), [B, {string.Join(", ", module.SampleShape)}]{(module.IsNoiseConditioned ? " + σ [B]" : "")} → [B, {string.Join(", ", module.SampleShape)}]"
                : ModelChoices.DescribeField(c, d))),
            ("noise", HtmlText.Encode(noise)),
            ("loss", HtmlText.Encode(ModelChoices.Name(c.Loss) + (c.TimeProposal ? " (learned time proposal)" : ""))),
            ("parameters", HtmlText.Count(model.ParameterCount)),
            ("device", HtmlText.Encode(DeviceParser.Name(model.Device))),
            ("steps trained", HtmlText.Count(model.StepsTrained)),
        };
        var losses = model.LossHistory.ToArray();
        if (losses.Length > 0)
        {
            rows.Add(($"loss (mean of last {Math.Min(RecentWindow, losses.Length)})", HtmlText.Number(RecentMean(losses))));
        }

        var title = name is null ? "FluxModel" : $"FluxModel {name}";
        return "<div class=\"flux-model\">" + HtmlText.KeyValueTable(rows, title) + LossCurveSvg.Render(losses) + "</div>";
    }

    /// <summary>Mean of the last <see cref="RecentWindow"/> finite losses (NaN when there are none).</summary>
    internal static double RecentMean(IReadOnlyList<double> losses)
    {
        var recent = losses.Skip(Math.Max(0, losses.Count - RecentWindow)).Where(double.IsFinite).ToList();
        return recent.Count == 0 ? double.NaN : recent.Average();
    }
}
