namespace FluxMatching.Tests.Metrics;

using FluxMatching.Metrics;

public class LinearAssignmentTests
{
    private static double[,] RandomCosts(Random rng, int n, int m, bool integer)
    {
        var c = new double[n, m];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < m; j++)
            {
                c[i, j] = integer ? rng.Next(0, 5) : (rng.NextDouble() * 10) - 3;
            }
        }

        return c;
    }

    private static void AssertValidAssignment(AssignmentResult result, double[,] cost)
    {
        int n = cost.GetLength(0), m = cost.GetLength(1);
        Assert.Equal(n, result.RowToColumn.Length);
        var assigned = result.RowToColumn.Where(j => j >= 0).ToArray();
        Assert.Equal(Math.Min(n, m), assigned.Length);
        Assert.Equal(assigned.Length, assigned.Distinct().Count());
        Assert.All(assigned, j => Assert.InRange(j, 0, m - 1));
        double total = Enumerable.Range(0, n).Where(i => result.RowToColumn[i] >= 0).Sum(i => cost[i, result.RowToColumn[i]]);
        Assert.Equal(total, result.TotalCost, 1e-9);
    }

    [Fact]
    public void Square_problems_match_brute_force_over_all_permutations()
    {
        for (int seed = 0; seed < 120; seed++)
        {
            var rng = new Random(seed);
            int n = 1 + (seed % 8);
            var cost = RandomCosts(rng, n, n, integer: seed % 3 == 0); // integer costs force many ties
            var result = LinearAssignment.Solve(cost);
            AssertValidAssignment(result, cost);
            Assert.Equal(BruteForce.MinimumAssignmentCost(cost), result.TotalCost, 1e-9);
        }
    }

    [Fact]
    public void Rectangular_problems_match_brute_force_both_ways()
    {
        for (int seed = 0; seed < 60; seed++)
        {
            var rng = new Random(1000 + seed);
            int n = 1 + rng.Next(6), m = n + 1 + rng.Next(3);
            var wide = RandomCosts(rng, n, m, integer: seed % 2 == 0);
            var result = LinearAssignment.Solve(wide);
            AssertValidAssignment(result, wide);
            Assert.Equal(BruteForce.MinimumAssignmentCost(wide), result.TotalCost, 1e-9);

            var tall = new double[m, n];
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < m; j++)
                {
                    tall[j, i] = wide[i, j];
                }
            }

            var tallResult = LinearAssignment.Solve(tall);
            AssertValidAssignment(tallResult, tall);
            Assert.Equal(result.TotalCost, tallResult.TotalCost, 1e-9);
        }
    }

    [Fact]
    public void Large_2000_by_2000_problem_returns_a_permutation_no_worse_than_identity()
    {
        var rng = new Random(7);
        const int n = 2000;
        // squared distances between two independent uniform clouds on [−4, 4]² (samples vs reference)
        var pts = Enumerable.Range(0, 2 * n).Select(_ => (rng.NextDouble() * 8) - 4).ToArray();
        var refs = Enumerable.Range(0, 2 * n).Select(_ => (rng.NextDouble() * 8) - 4).ToArray();
        var cost = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double dx = pts[2 * i] - refs[2 * j], dy = pts[(2 * i) + 1] - refs[(2 * j) + 1];
                cost[i, j] = (dx * dx) + (dy * dy);
            }
        }

        var result = LinearAssignment.Solve(cost);
        AssertValidAssignment(result, cost);
        double identity = Enumerable.Range(0, n).Sum(i => cost[i, i]);
        Assert.True(result.TotalCost <= identity + 1e-9);
    }

    [Fact]
    public void Known_small_problem_and_invalid_costs()
    {
        var cost = new double[,] { { 4, 1, 3 }, { 2, 0, 5 }, { 3, 2, 2 } };
        var result = LinearAssignment.Solve(cost);
        Assert.Equal([1, 0, 2], result.RowToColumn);
        Assert.Equal(5, result.TotalCost);
        Assert.Equal("cost", Assert.Throws<ArgumentException>(
            () => LinearAssignment.Solve(new double[,] { { 1, double.NaN } })).ParamName);
        Assert.Empty(LinearAssignment.Solve(new double[0, 0]).RowToColumn);
    }
}
