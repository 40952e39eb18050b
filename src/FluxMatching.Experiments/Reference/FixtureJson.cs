namespace FluxMatching.Reference;

using System.Text.Json;

/// <summary>The JSON readers shared by the fixture formats: nested number arrays flattened in row-major order, and
/// required entries that name themselves when missing.</summary>
internal static class FixtureJson
{
    /// <summary>A number or a nested array of numbers, flattened in row-major order.</summary>
    public static double[] Numbers(JsonElement e)
    {
        var list = new List<double>();
        Collect(e, list);
        return list.ToArray();
    }

    /// <summary>The entry <paramref name="name"/> of an object, or a <see cref="FormatException"/> naming it.</summary>
    public static JsonElement Required(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var value)
            ? value
            : throw new FormatException($"The fixture lacks the required entry '{name}'.");

    private static void Collect(JsonElement e, List<double> into)
    {
        if (e.ValueKind == JsonValueKind.Number)
        {
            into.Add(e.GetDouble());
            return;
        }

        if (e.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"Expected a number or an array of numbers, got {e.ValueKind}.");
        }

        foreach (var item in e.EnumerateArray())
        {
            Collect(item, into);
        }
    }
}
