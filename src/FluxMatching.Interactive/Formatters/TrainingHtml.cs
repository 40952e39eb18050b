namespace FluxMatching.Interactive.Formatters;

using FluxMatching.Interactive.Html;
using FluxMatching.Plotting;
using FluxMatching.Training;

/// <summary>HTML for training: the live progress panel and the finished run.</summary>
internal static class TrainingHtml
{
    /// <summary>The live panel: progress bar, loss, steps/s, time left, loss curve.</summary>
    /// <param name="name">Model name, or null.</param>
    /// <param name="p">The latest progress report.</param>
    /// <param name="losses">The model's whole loss history so far.</param>
    public static string Live(string? name, TrainingProgress p, IReadOnlyList<double> losses)
    {
        double pct = p.TotalSteps == 0 ? 100 : 100.0 * p.Step / p.TotalSteps;
        return "<div class=\"flux-training\">" +
               $"<div><b>Training{(name is null ? "" : " " + HtmlText.Encode(name))}</b> " +
               $"<progress value=\"{p.Step}\" max=\"{Math.Max(1, p.TotalSteps)}\" style=\"width:240px\"></progress> " +
               $"{pct:0}% · step {HtmlText.Count(p.Step)} / {HtmlText.Count(p.TotalSteps)}</div>" +
               $"<div>loss {HtmlText.Number(p.Loss)} (smoothed {HtmlText.Number(p.SmoothedLoss)}) · " +
               $"{HtmlText.Number(p.StepsPerSecond)} steps/s · {HtmlText.Duration(p.Remaining)} left</div>" +
               LossCurveSvg.Render(losses) + "</div>";
    }

    /// <summary>A finished run: outcome, throughput, final loss and the loss curve.</summary>
    /// <param name="name">Model name, or null.</param>
    /// <param name="result">The trainer's result.</param>
    /// <param name="history">The model's whole loss history (null: only this run's losses).</param>
    public static string Finished(string? name, TrainingResult result, IReadOnlyList<double>? history)
    {
        var (word, color) = result.Reason switch
        {
            StopReason.Completed => ("done", "#2b8a3e"),
            StopReason.Cancelled => ("interrupted", "#e67700"),
            _ => ("stopped", "#c92a2a"),
        };
        var rows = new List<(string, string)>
        {
            ("outcome", $"<span style=\"color:{color}\">{word}</span>: {HtmlText.Encode(result.Message)}"),
            ("steps", HtmlText.Count(result.StepsCompleted)),
            ("time", HtmlText.Duration(result.Elapsed)),
            ("steps/s", HtmlText.Number(result.StepsPerSecond)),
        };
        if (result.Losses.Count > 0)
        {
            rows.Add(($"loss (mean of last {Math.Min(ModelHtml.RecentWindow, result.Losses.Count)})", HtmlText.Number(ModelHtml.RecentMean(result.Losses))));
        }

        var title = name is null ? "Training run" : $"Training run of {name}";
        return "<div class=\"flux-training-run\">" + HtmlText.KeyValueTable(rows, title) + LossCurveSvg.Render(history ?? result.Losses) + "</div>";
    }
}
