namespace FluxMatching.Plotting;

using Plotly.NET;

/// <summary>
/// A chart plus plotly.js animation frames. Plotly.NET has no frames API, so the frames travel beside the chart as
/// JSON and <see cref="HtmlExport"/> hands them to plotly.js after the chart is drawn (<c>Plotly.addFrames</c>). The
/// chart's layout already holds the Play/Pause buttons and the slider that animate to the frames by name.
/// </summary>
/// <param name="Chart">The first frame's chart, with updatemenus (Play/Pause) and a slider in its layout.</param>
/// <param name="FramesJson">A JSON array of plotly.js frames <c>{name, data, traces}</c>.</param>
/// <param name="FrameNames">Frame names in order (the slider steps animate to these).</param>
public sealed record AnimatedChart(GenericChart Chart, string FramesJson, IReadOnlyList<string> FrameNames)
{
    /// <summary>Number of frames.</summary>
    public int FrameCount => FrameNames.Count;
}
