namespace FluxMatching.Interactive.Formatters;

using FluxMatching.Interactive.Html;
using FluxMatching.Interactive.Session;
using FluxMatching.Metrics;
using FluxMatching.Models;
using FluxMatching.Plotting;
using FluxMatching.Training;
using Microsoft.DotNet.Interactive.Formatting;

/// <summary>Registers the extension's text/html formatters (models, training runs, sample sets, metrics, charts).</summary>
internal static class NotebookFormatters
{
    /// <summary>Registers all formatters (later registrations win, so calling again re-asserts them).</summary>
    public static void Register()
    {
        Formatter.Register<RawHtml>((h, w) => w.Write(h.Html), HtmlFormatter.MimeType);
        Formatter.Register<FluxModel>((m, w) => w.Write(ModelHtml.Render(m)), HtmlFormatter.MimeType);
        Formatter.Register<TrainingRun>((r, w) => w.Write(TrainingHtml.Finished(r.ModelName, r.Result, r.Model.LossHistory.ToArray())), HtmlFormatter.MimeType);
        Formatter.Register<TrainingResult>((r, w) => w.Write(TrainingHtml.Finished(null, r, null)), HtmlFormatter.MimeType);
        Formatter.Register<SampleSet>((s, w) => w.Write(SampleHtml.Render(s, NotebookSession.Current?.Plotly)), HtmlFormatter.MimeType);
        Formatter.Register<MetricReport>((r, w) => w.Write(MetricHtml.Render(r)), HtmlFormatter.MimeType);
        Formatter.Register<MetricTable>((t, w) => w.Write(MetricHtml.Render(t)), HtmlFormatter.MimeType);
        Formatter.Register<AnimatedChart>((c, w) => w.Write((NotebookSession.Current?.Plotly ?? new OfflinePlotly()).ToHtml(c)), HtmlFormatter.MimeType);
        foreach (var type in new[] { typeof(RawHtml), typeof(FluxModel), typeof(TrainingRun), typeof(TrainingResult), typeof(SampleSet), typeof(MetricReport), typeof(MetricTable), typeof(AnimatedChart) })
        {
            Formatter.SetPreferredMimeTypesFor(type, HtmlFormatter.MimeType, PlainTextFormatter.MimeType);
        }

        RegisterChartFormatter();
    }

    /// <summary>Makes the offline chart formatter the preferred one for Plotly.NET charts.</summary>
    public static void RegisterChartFormatter() => Formatter.Register(new OfflineChartFormatter());

    /// <summary>Re-registers the chart formatter when another one (Plotly.NET.Interactive's) took over.</summary>
    public static void EnsureChartFormatter()
    {
        if (!OfflineChartFormatter.IsPreferred())
        {
            RegisterChartFormatter();
        }
    }
}
