namespace FluxMatching.Interactive.Session;

using System.Diagnostics;
using FluxMatching.Interactive.Formatters;
using FluxMatching.Interactive.Html;
using FluxMatching.Models;
using FluxMatching.Training;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Formatting;

/// <summary>
/// The live training display of a notebook cell: shown once, then updated in place (at most every
/// <see cref="MinInterval"/>) with progress, loss, steps/s, time left and the loss curve; finally replaced by the
/// finished run. Progress arrives on the training thread.
/// </summary>
internal sealed class TrainingMonitor : IProgress<TrainingProgress>
{
    private readonly string? name;
    private readonly FluxModel model;
    private readonly DisplayedValue? display;
    private readonly Stopwatch sinceUpdate = Stopwatch.StartNew();
    private readonly object gate = new();
    private readonly string id = Guid.NewGuid().ToString("N");

    /// <summary>Shortest time between two updates of the display.</summary>
    public static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>Shows the initial panel in <paramref name="context"/>'s cell (nothing is shown without a context).</summary>
    public TrainingMonitor(KernelInvocationContext? context, string? name, FluxModel model, int totalSteps)
    {
        this.name = name;
        this.model = model;
        if (context is null)
        {
            return;
        }

        var first = new TrainingProgress(0, totalSteps, double.NaN, double.NaN, 0, TimeSpan.Zero);
        this.display = KernelInvocationContextExtensions.Display(context, Html(first), HtmlFormatter.MimeType);
    }

    /// <summary>Number of times the display was updated.</summary>
    public int Updates { get; private set; }

    /// <inheritdoc />
    public void Report(TrainingProgress value)
    {
        lock (gate)
        {
            bool last = value.Step >= value.TotalSteps;
            if (!last && sinceUpdate.Elapsed < MinInterval)
            {
                return;
            }

            sinceUpdate.Restart();
            Update(Html(value));
        }
    }

    /// <summary>Replaces the live panel with the finished run.</summary>
    public void Complete(TrainingResult result)
    {
        lock (gate)
        {
            Update(Tagged(TrainingHtml.Finished(this.name, result, this.model.LossHistory.ToArray())));
        }
    }

    private RawHtml Html(TrainingProgress p) => Tagged(TrainingHtml.Live(this.name, p, this.model.LossHistory.ToArray()));

    /// <summary>Marks every version of the panel with one id, so that tools reading saved notebooks (where some front
    /// ends store each update as a new output) can keep only the last version (tools/check_notebook.py does).</summary>
    private RawHtml Tagged(string html) => new($"<div data-flux-display=\"{this.id}\">{html}</div>");

    private void Update(RawHtml html)
    {
        if (this.display is null)
        {
            return;
        }

        try
        {
            this.display.Update(html);
            Updates++;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The panel is a view: when the cell's context is gone (kernel interrupted) or the front end refuses the
            // update, training goes on and the model keeps its history; only the panel stops.
        }
    }
}
