namespace FluxMatching.Plotting;

/// <summary>One connected line through the points (X[i], Y[i]), e.g. a single streamline.</summary>
/// <param name="X">x coordinates, length L.</param>
/// <param name="Y">y coordinates, length L.</param>
public sealed record Polyline(double[] X, double[] Y)
{
    /// <summary>Number of vertices L.</summary>
    public int Count => X.Length;
}
