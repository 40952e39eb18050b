namespace FluxMatching.Plotting.Tests;

using System.Text.Json;
using Plotly.NET;

/// <summary>Reads a chart the way plotly.js will: through the JSON Plotly.NET serialises.</summary>
internal static class ChartJson
{
    public static JsonElement Of(GenericChart chart) => JsonDocument.Parse(GenericChart.toJson(chart)).RootElement;

    public static JsonElement[] Traces(GenericChart chart) => Of(chart).GetProperty("data").EnumerateArray().ToArray();

    public static JsonElement Layout(GenericChart chart) => Of(chart).GetProperty("layout");

    /// <summary>Numbers of a JSON array; "NaN" strings (Newtonsoft's NaN) and nulls become double.NaN.</summary>
    public static double[] Numbers(JsonElement array) => array.EnumerateArray().Select(e => e.ValueKind switch
    {
        JsonValueKind.Number => e.GetDouble(),
        JsonValueKind.String when e.GetString() == "NaN" => double.NaN,
        JsonValueKind.Null => double.NaN,
        _ => throw new InvalidOperationException($"not a number: {e}"),
    }).ToArray();

    public static string? Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? v.GetString() : null;
}
