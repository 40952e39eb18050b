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
    private readonly string? _name;
    private readonly FluxModel _model;
    private readonly DisplayedValue? _display;
    private readonly Stopwatch _sinceUpdate = Stopwatch.StartNew();
    private readonly object _gate = new();
    private readonly string _id = Guid.NewGuid().ToString("N");

    /// <summary>Shortest time between two updates of the display.</summary>
    public static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>Shows the initial panel in <paramref name="context"/>'s cell (nothing is shown without a context).</summary>
    public TrainingMonitor(KernelInvocationContext? context, string? name, FluxModel model, int totalSteps)
    {
        _name = name;
        _model = model;
        if (context is null) return;
        var first = new TrainingProgress(0, totalSteps, double.NaN, double.NaN, 0, TimeSpan.Zero);
        _display = KernelInvocationContextExtensions.Display(context, Html(first), HtmlFormatter.MimeType);
    }

    /// <summary>Number of times the display was updated.</summary>
    public int Updates { get; private set; }

    /// <inheritdoc />
    public void Report(TrainingProgress value)
    {
        lock (_gate)
        {
            bool last = value.Step >= value.TotalSteps;
            if (!last && _sinceUpdate.Elapsed < MinInterval) return;
            _sinceUpdate.Restart();
            Update(Html(value));
        }
    }

    /// <summary>Replaces the live panel with the finished run.</summary>
    public void Complete(TrainingResult result)
    {
        lock (_gate) Update(Tagged(TrainingHtml.Finished(_name, result, _model.LossHistory.ToArray())));
    }

    private RawHtml Html(TrainingProgress p) => Tagged(TrainingHtml.Live(_name, p, _model.LossHistory.ToArray()));

    /// <summary>Marks every version of the panel with one id, so that tools reading saved notebooks (where some front
    /// ends store each update as a new output) can keep only the last version (tools/check_notebook.py does).</summary>
    private RawHtml Tagged(string html) => new($"<div data-flux-display=\"{_id}\">{html}</div>");

    private void Update(RawHtml html)
    {
        if (_display is null) return;
        try
        {
            _display.Update(html);
            Updates++;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The panel is a view: when the cell's context is gone (kernel interrupted) or the front end refuses the
            // update, training goes on and the model keeps its history; only the panel stops.
        }
    }
}
