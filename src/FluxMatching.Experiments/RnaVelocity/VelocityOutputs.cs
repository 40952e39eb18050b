namespace FluxMatching.RnaVelocity;

using System.Globalization;

/// <summary>Writes the outputs of <c>flux velocity</c> into a folder: <c>metrics.json</c>, <c>report.html</c> and
/// <c>velocity.h5ad</c> (the input, or the simulated data, with the velocity layer, the rates and the metrics), and
/// prints the metrics table.</summary>
public static class VelocityOutputs
{
    /// <summary>Writes every output and prints a summary; returns the process exit code (0).</summary>
    /// <param name="folder">Output folder (created).</param>
    /// <param name="comparison">The comparison.</param>
    /// <param name="input">What was read from the .h5ad file, or null for simulated data.</param>
    /// <param name="label">What the data is (file name or "simulated lineage").</param>
    /// <param name="context">Settings written into metrics.json.</param>
    /// <param name="truth">The simulation behind the data, or null.</param>
    public static int Write(string folder, VelocityComparison comparison, H5adInput? input, string label,
        IReadOnlyDictionary<string, object> context, SimulatedLineage? truth = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(comparison);
        Directory.CreateDirectory(folder);
        var all = new Dictionary<string, object>(context) { ["data"] = label };
        string json = VelocityMetricsJson.Serialize(comparison, all);
        File.WriteAllText(Path.Combine(folder, "metrics.json"), json);
        File.WriteAllText(Path.Combine(folder, "report.html"), VelocityReportHtml.Render(comparison, label, truth));
        var skipped = H5adWriter.WriteResults(Path.Combine(folder, "velocity.h5ad"), input, comparison, json, truth);
        Console.WriteLine(Table(comparison));
        if (skipped.Count > 0)
        {
            Console.WriteLine($"not copied from the input ({skipped.Count}): {string.Join("; ", skipped.Take(10))}");
        }

        Console.WriteLine($"wrote {Path.Combine(folder, "velocity.h5ad")}, metrics.json and report.html");
        return 0;
    }

    /// <summary>The metrics as a fixed-width text table.</summary>
    /// <param name="comparison">The comparison.</param>
    public static string Table(VelocityComparison comparison)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        var lines = new List<string> { $"{"method",-12} {"CBDir",8} {"coherence",10} {"cos(truth)",11} {"sign",7} {"γ/β corr",9} {"γ/β |log|",10}" };
        foreach (var m in comparison.Methods)
        {
            var t = m.Truth;
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"{m.Method,-12} {m.CrossBoundaryCorrectness,8:F3} {m.Coherence,10:F3} {F(t?.MeanCosine),11} {F(t?.SignAgreement),7} {F(t?.RateLogCorrelation),9} {F(t?.RateMedianAbsLogRatio),10}"));
        }

        return string.Join(Environment.NewLine, lines);
    }

    private static string F(double? v) => v is { } x && double.IsFinite(x) ? x.ToString("F3", CultureInfo.InvariantCulture) : "—";
}
