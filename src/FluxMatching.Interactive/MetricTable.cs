namespace FluxMatching.Interactive;

using FluxMatching.Metrics;

/// <summary>Metric reports side by side (one row each), e.g. to compare models; shown as an HTML table.</summary>
/// <param name="Rows">Row label and report, in display order.</param>
public sealed record MetricTable(IReadOnlyList<KeyValuePair<string, MetricReport>> Rows)
{
    /// <summary>Creates a table from (label, report) pairs.</summary>
    /// <param name="rows">Row label and report, in display order.</param>
    public MetricTable(params (string Label, MetricReport Report)[] rows)
        : this(rows.Select(r => new KeyValuePair<string, MetricReport>(r.Label, r.Report)).ToList()) { }
}
