namespace FluxMatching.Reference;

/// <summary>The outcome of replaying one fixture file.</summary>
/// <param name="Path">The file.</param>
/// <param name="Name">The fixture's name (or the file name when unreadable).</param>
/// <param name="Kind">The fixture's kind.</param>
/// <param name="Quantities">Every compared quantity with its relative error.</param>
/// <param name="Skipped">Expected entries this verifier does not know how to reproduce (not compared).</param>
/// <param name="Error">Why the replay failed (unreadable file, unknown kind, bad draws), or null.</param>
/// <param name="Tolerance">The fixture's own bar (U-Net fixtures: 1e-9 in float64, 1e-4 in float32), or null for the
/// project's float64 bar <see cref="ReferenceVerifier.Tolerance"/>.</param>
public sealed record FixtureReport(
    string Path,
    string Name,
    string Kind,
    IReadOnlyList<FixtureQuantity> Quantities,
    IReadOnlyList<string> Skipped,
    string? Error,
    double? Tolerance = null)
{
    /// <summary>The largest relative error (+∞ when the replay failed, 0 when nothing was compared).</summary>
    public double MaxRelativeError =>
        Error is not null ? double.PositiveInfinity : Quantities.Count == 0 ? 0.0 : Quantities.Max(q => q.RelativeError);

    /// <summary>True when the replay succeeded, compared at least one quantity, and every error is ≤ tolerance.</summary>
    /// <param name="tolerance">Relative tolerance (the project's bar: <see cref="ReferenceVerifier.Tolerance"/>).</param>
    public bool Passes(double tolerance) =>
        Error is null && Quantities.Count > 0 && Quantities.All(q => q.RelativeError <= tolerance);
}
