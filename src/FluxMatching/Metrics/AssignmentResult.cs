namespace FluxMatching.Metrics;

/// <summary>An optimal assignment of rows to columns.</summary>
/// <param name="RowToColumn">For each row i, its column (−1 for the rows left unassigned when rows &gt; columns).</param>
/// <param name="TotalCost">Sum of the assigned costs.</param>
public sealed record AssignmentResult(int[] RowToColumn, double TotalCost);
