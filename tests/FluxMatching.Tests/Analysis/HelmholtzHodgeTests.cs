namespace FluxMatching.Tests.Analysis;

using FluxMatching.Analysis;
using FluxMatching.Data;
using FluxMatching.Fields;

/// <summary>
/// The weighted split of f = s + J s (s = ∇log p, J the 90° rotation): the exact parts are ∇φ = s (φ = log p + c) and
/// v = J s, since ∇·(p J s) = ∇·(J ∇p) = 0. The scheme is second order, so the relative L²(p) error behaves like C·h²:
/// measured C ≈ 0.26 for the Gaussian on [−5, 5]² (4.9 % at 24 nodes, 2.9 % at 32, 0.74 % at 64) and C ≈ 0.7 for the
/// triangle mixture on [−6.5, 6.5]² (8.3 % at 32, 2.3 % at 64). The bounds below leave ~35 % headroom over those values,
/// and halving h must cut the error by more than 3 (second order predicts ≈ 4). At 48 nodes the measured φ error is
/// 0.64 % (Gaussian); on the triangle the cosine of the parts is 0.98 % and the remainder of a pure gradient 3.4 %.
/// </summary>
public class HelmholtzHodgeTests
{
    [Fact]
    public void Gaussian_score_plus_rotation_is_split_into_both_parts_with_second_order_accuracy()
    {
        using var scope = torch.NewDisposeScope();
        using var gauss = new GaussianMixtureScoreField(new double[,] { { 0.3, -0.2 } }, new double[,] { { 1.0, 0.7 } });
        var coarse = SplitScorePlusRotation(Grid2D.Square(5.0, 32), gauss);
        var fine = SplitScorePlusRotation(Grid2D.Square(5.0, 64), gauss);

        Assert.True(coarse.GradientError < 0.04, $"coarse gradient error {coarse.GradientError:E3}");
        Assert.True(coarse.RemainderError < 0.04, $"coarse remainder error {coarse.RemainderError:E3}");
        Assert.True(fine.GradientError < 0.01, $"fine gradient error {fine.GradientError:E3}");
        Assert.True(fine.RemainderError < 0.01, $"fine remainder error {fine.RemainderError:E3}");
        Assert.True(coarse.GradientError / fine.GradientError > 3.0,
            $"refinement ratio {coarse.GradientError / fine.GradientError:F2} ≤ 3");
        Assert.True(fine.SolverResidual < 1e-10, $"solver residual {fine.SolverResidual:E2}");
    }

    [Fact]
    public void Triangle_mixture_score_plus_rotation_is_split_into_both_parts_with_second_order_accuracy()
    {
        using var scope = torch.NewDisposeScope();
        using var triangle = new TriangleMixtureDataset();
        var coarse = SplitScorePlusRotation(Grid2D.Square(6.5, 32), new GaussianMixtureScoreField(triangle.Density));
        var fine = SplitScorePlusRotation(Grid2D.Square(6.5, 64), new GaussianMixtureScoreField(triangle.Density));

        Assert.True(coarse.GradientError < 0.11, $"coarse gradient error {coarse.GradientError:E3}");
        Assert.True(fine.GradientError < 0.03, $"fine gradient error {fine.GradientError:E3}");
        Assert.True(fine.RemainderError < 0.03, $"fine remainder error {fine.RemainderError:E3}");
        Assert.True(coarse.RemainderError / fine.RemainderError > 3.0,
            $"refinement ratio {coarse.RemainderError / fine.RemainderError:F2} ≤ 3");
    }

    [Fact]
    public void Potential_is_log_density_up_to_the_fixed_constant()
    {
        using var scope = torch.NewDisposeScope();
        using var gauss = new GaussianMixtureScoreField(new double[,] { { 0.0, 0.0 } }, new double[,] { { 1.0, 1.0 } });
        var grid = Grid2D.Square(5.0, 48);
        var split = SplitScorePlusRotation(grid, gauss).Result;
        var logP = GridEvaluator.EvaluateScalars(grid, x => gauss.LogDensity(x));

        double mass = 0, meanLogP = 0, meanPhi = 0;
        foreach (var (i, j) in Nodes(grid))
        {
            mass += split.Density[i, j];
            meanLogP += split.Density[i, j] * logP[i, j];
            meanPhi += split.Density[i, j] * split.Potential[i, j];
        }

        Assert.True(Math.Abs(meanPhi / mass) < 1e-10, $"p-weighted mean of φ = {meanPhi / mass:E2}");
        double num = 0, den = 0;
        foreach (var (i, j) in Nodes(grid))
        {
            double want = logP[i, j] - (meanLogP / mass);
            num += split.Density[i, j] * Math.Pow(split.Potential[i, j] - want, 2);
            den += split.Density[i, j] * want * want;
        }

        Assert.True(Math.Sqrt(num / den) < 0.01, $"relative L²(p) error of φ = {Math.Sqrt(num / den):E3}");
    }

    [Fact]
    public void Parts_are_orthogonal_in_weighted_L2_and_a_pure_gradient_has_a_small_remainder()
    {
        using var scope = torch.NewDisposeScope();
        using var triangle = new TriangleMixtureDataset();
        var grid = Grid2D.Square(6.5, 48);
        var split = SplitScorePlusRotation(grid, new GaussianMixtureScoreField(triangle.Density)).Result;
        double cross = 0, g2 = 0, v2 = 0;
        foreach (var (i, j) in Nodes(grid))
        {
            for (int c = 0; c < 2; c++)
            {
                cross += split.Density[i, j] * split.Gradient[i, j, c] * split.Remainder[i, j, c];
                g2 += split.Density[i, j] * split.Gradient[i, j, c] * split.Gradient[i, j, c];
                v2 += split.Density[i, j] * split.Remainder[i, j, c] * split.Remainder[i, j, c];
            }
        }

        Assert.True(Math.Abs(cross) / Math.Sqrt(g2 * v2) < 0.015, $"cosine ⟨∇φ, v⟩ = {cross / Math.Sqrt(g2 * v2):E3}");

        var scoreOnly = HelmholtzHodge.Decompose(grid, split.Density, ScoreGrid(grid, new GaussianMixtureScoreField(triangle.Density)));
        double rem = 0, tot = 0;
        foreach (var (i, j) in Nodes(grid))
        {
            for (int c = 0; c < 2; c++)
            {
                rem += split.Density[i, j] * Math.Pow(scoreOnly.Remainder[i, j, c], 2);
                tot += split.Density[i, j] * Math.Pow(scoreOnly.Field[i, j, c], 2);
            }
        }

        Assert.True(Math.Sqrt(rem / tot) < 0.045, $"remainder of a pure gradient: {Math.Sqrt(rem / tot):E3}");
    }

    [Fact]
    public void Invalid_inputs_are_rejected_with_the_parameter_name()
    {
        var grid = Grid2D.Square(1.0, 4);
        var field = new double[4, 4, 2];
        var ok = new double[4, 4];
        ok[1, 1] = 1;
        Assert.Equal("density", Assert.Throws<ArgumentException>(
            () => HelmholtzHodge.Decompose(grid, new double[3, 4], field)).ParamName);
        Assert.Equal("density", Assert.Throws<ArgumentException>(
            () => HelmholtzHodge.Decompose(grid, new double[4, 4], field)).ParamName);
        Assert.Equal("field", Assert.Throws<ArgumentException>(
            () => HelmholtzHodge.Decompose(grid, ok, new double[4, 4, 3])).ParamName);
        var bad = new double[4, 4, 2];
        bad[0, 0, 0] = double.NaN;
        Assert.Equal("field", Assert.Throws<ArgumentException>(() => HelmholtzHodge.Decompose(grid, ok, bad)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => Grid2D.Square(1.0, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => HelmholtzHodge.Decompose(grid, ok, field,
            new HelmholtzHodgeOptions { RelativeDensityFloor = -1 }));
    }

    private static IEnumerable<(int I, int J)> Nodes(Grid2D grid)
    {
        for (int i = 0; i < grid.Nx; i++)
        {
            for (int j = 0; j < grid.Ny; j++)
            {
                yield return (i, j);
            }
        }
    }

    private static double[,,] ScoreGrid(Grid2D grid, GaussianMixtureScoreField p) =>
        GridEvaluator.EvaluateVectors(grid, x => p.Evaluate(x));

    private static Split SplitScorePlusRotation(Grid2D grid, GaussianMixtureScoreField p)
    {
        var s = ScoreGrid(grid, p);
        var density = GridEvaluator.EvaluateScalars(grid, x => p.LogDensity(x).exp());
        var rotated = new double[grid.Nx, grid.Ny, 2];
        var f = new double[grid.Nx, grid.Ny, 2];
        foreach (var (i, j) in Nodes(grid))
        {
            rotated[i, j, 0] = -s[i, j, 1];
            rotated[i, j, 1] = s[i, j, 0];
            f[i, j, 0] = s[i, j, 0] + rotated[i, j, 0];
            f[i, j, 1] = s[i, j, 1] + rotated[i, j, 1];
        }

        var result = HelmholtzHodge.Decompose(grid, density, f);
        return new Split(result, result.RelativeError(result.Gradient, s), result.RelativeError(result.Remainder, rotated),
            result.SolverResidual);
    }

    private sealed record Split(HelmholtzHodgeResult Result, double GradientError, double RemainderError,
        double SolverResidual);
}
