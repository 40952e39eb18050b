namespace FluxMatching.RnaVelocity;

using System.Text.Json;

/// <summary>Writes a <see cref="VelocityComparison"/>'s metrics as JSON: per method CBDir (pooled and per edge),
/// coherence, and on simulated data the agreement with the truth.</summary>
public static class VelocityMetricsJson
{
    /// <summary>The JSON text.</summary>
    /// <param name="comparison">The comparison.</param>
    /// <param name="context">Extra top-level entries (data set, settings), written as strings or numbers.</param>
    public static string Serialize(VelocityComparison comparison, IReadOnlyDictionary<string, object>? context = null)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            foreach (var (key, value) in context ?? new Dictionary<string, object>())
            {
                if (value is string s)
                {
                    w.WriteString(key, s);
                }
                else
                {
                    w.WriteNumber(key, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture));
                }
            }

            w.WriteNumber("cells", comparison.Data.Cells);
            w.WriteNumber("genes", comparison.Data.Genes);
            w.WriteStartObject("methods");
            foreach (var m in comparison.Methods)
            {
                w.WriteStartObject(m.Method);
                Number(w, "cbdir", m.CrossBoundaryCorrectness);
                Number(w, "coherence", m.Coherence);
                w.WriteStartObject("cbdir_per_edge");
                foreach (var (edge, value) in m.PerEdge)
                {
                    Number(w, edge, value);
                }

                w.WriteEndObject();
                if (m.Truth is { } t)
                {
                    w.WriteStartObject("truth");
                    Number(w, "mean_cosine", t.MeanCosine);
                    Number(w, "sign_agreement", t.SignAgreement);
                    Number(w, "gamma_over_beta_log_correlation", t.RateLogCorrelation);
                    Number(w, "gamma_over_beta_median_abs_log_ratio", t.RateMedianAbsLogRatio);
                    w.WriteEndObject();
                }

                w.WriteEndObject();
            }

            w.WriteEndObject();
            w.WriteStartArray("flux_loss_last_steps");
            foreach (var v in comparison.Fit.Losses.TakeLast(10))
            {
                Number(w, null, v);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void Number(Utf8JsonWriter w, string? name, double value)
    {
        if (name is not null)
        {
            w.WritePropertyName(name);
        }

        if (double.IsFinite(value))
        {
            w.WriteNumberValue(value);
        }
        else
        {
            w.WriteNullValue();
        }
    }
}
