namespace FluxMatching.Controllable;

using System.Globalization;
using System.Text;

/// <summary>
/// The numbers of an exp1 scan that the paper's claim is about (the authors' experiments/exp1_controllable/test.py, paper §4.1): ranges of the
/// standardized losses over the preserving and violating fields, the raw flux-loss ranges, two DSM losses that the
/// authors print, and the correlation of each standardized loss with the distribution violation.
/// </summary>
public static class ControllableScanSummary
{
    /// <summary>One line per quantity, with the authors' values (64 × 256 Monte-Carlo flux loss) where they print one.</summary>
    /// <param name="result">A scan that includes θ = (2.5, 0, 0) and (−2.5, −2.5, −2.5) (the θ box of side 2.5).</param>
    public static string Describe(ControllableScanResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var rows = result.Rows;
        var nonzero = rows.Where(r => r.Theta.Any(t => t != 0)).ToList();
        if (nonzero.Count == 0)
        {
            throw new ArgumentException("result must hold at least one row with θ ≠ 0.", nameof(result));
        }

        string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
        string Range(IEnumerable<ControllableScanRow> set, Func<ControllableScanRow, double> f, string format) =>
            $"{F(set.Min(f), format)} … {F(set.Max(f), format)}";
        double? Dsm(double[] theta) => rows.FirstOrDefault(r => r.Theta.SequenceEqual(theta))?.DsmLoss;
        var violation = rows.Select(r => r.DistributionViolation).ToArray();
        var text = new StringBuilder();
        text.AppendLine($"standardized Flux loss, preserving fields: {Range(rows, r => r.StandardizedFluxLoss, "E2")}");
        text.AppendLine($"standardized DSM loss,  preserving fields: {Range(rows, r => r.StandardizedDsmLoss, "F3")} (θ ≠ 0: from {F(nonzero.Min(r => r.StandardizedDsmLoss), "F3")})");
        text.AppendLine($"standardized Flux loss, violating fields:  {Range(nonzero, r => r.StandardizedViolatingFluxLoss, "F3")} (θ ≠ 0)");
        text.AppendLine($"standardized DSM loss,  violating fields:  {Range(nonzero, r => r.StandardizedViolatingDsmLoss, "F3")} (θ ≠ 0)");
        text.AppendLine($"|flux loss|: preserving ≤ {F(rows.Max(r => r.FluxLoss), "E2")}, violating {Range(nonzero, r => r.ViolatingFluxLoss, "F1")}   (authors, 64 × 256: < 3e-14 and 28.0 … 218.7)");
        if (Dsm([2.5, 0.0, 0.0]) is { } axis && Dsm([-2.5, -2.5, -2.5]) is { } corner)
        {
            text.AppendLine($"DSM loss at θ = (2.5, 0, 0): {F(axis, "F4")} (authors: 3.1008); at θ = (−2.5, −2.5, −2.5): {F(corner, "F4")} (authors: 12.6129)");
        }

        text.Append($"correlation with the violation: Flux {F(Correlation(violation, rows.Select(r => r.StandardizedViolatingFluxLoss).ToArray()), "F3")}, " +
                    $"DSM {F(Correlation(violation, rows.Select(r => r.StandardizedViolatingDsmLoss).ToArray()), "F3")}");
        return text.ToString();
    }

    /// <summary>Pearson correlation of two equally long series (NaN when either is constant).</summary>
    /// <param name="a">First series.</param>
    /// <param name="b">Second series, as long as <paramref name="a"/>.</param>
    public static double Correlation(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count != b.Count || a.Count < 2)
        {
            throw new ArgumentException($"a and b must have the same length ≥ 2; got {a.Count} and {b.Count}.", nameof(b));
        }

        double ma = a.Average(), mb = b.Average();
        double sab = a.Zip(b).Sum(p => (p.First - ma) * (p.Second - mb));
        return sab / Math.Sqrt(a.Sum(v => (v - ma) * (v - ma)) * b.Sum(v => (v - mb) * (v - mb)));
    }
}
