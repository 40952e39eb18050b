namespace FluxMatching.Reference;

/// <summary>One random tensor the reference drew, in call order.</summary>
/// <param name="Kind">"normal", "uniform" or "integer".</param>
/// <param name="Shape">Its shape (empty for a 0-d tensor).</param>
/// <param name="Values">Its values, row-major.</param>
public sealed record FixtureDraw(string Kind, long[] Shape, double[] Values);
