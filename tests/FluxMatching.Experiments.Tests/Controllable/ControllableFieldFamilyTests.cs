namespace FluxMatching.Tests.Controllable;

using FluxMatching.Controllable;
using FluxMatching.Tests.Losses;

/// <summary>
/// exp1 golden values (the authors' experiments/exp1_controllable/test.py, seed 123, float64). ψ_cycle, ψ_skew, the edge geometry and log p are seed-free.
/// The residual values depend on the seed-123 mode scaling: the tests marked "injected" use the documented diagonal
/// (<see cref="ControllableFieldFamily.ReferenceModeScaling"/>); the seed-parity test checks separately that
/// TorchSharp's generator reproduces that diagonal from seed 123.
/// </summary>
public class ControllableFieldFamilyTests
{
    private static readonly double[] Points = [0.3, -0.2, 1, 1, -2, 0.5];
    private static readonly double[] Theta = [1, -0.5, 0.7];

    [Fact]
    public void Stream_functions_match_the_golden_values()
    {
        using var scope = torch.NewDisposeScope();
        var psi = new ControllableStreamFunctions();
        var x = torch.tensor(Points, [3, 2], ScalarType.Float64);
        Numerics.AssertRelative([0.12018403680016689, 0.22804488027793565, 0.0005527998538773394], psi.PsiCycle(x), 1e-12);
        var skew = Numerics.Values(psi.PsiSkew(x));
        Assert.Equal(0.06917677670352639, skew[0], 1e-14);
        Assert.Equal(0.08294085832913625, skew[1], 1e-14);
        Assert.Equal(1.2850300376185394e-09, skew[2], 1e-20);
    }

    [Fact]
    public void Score_and_log_density_match_the_golden_values()
    {
        using var scope = torch.NewDisposeScope();
        using var family = new ControllableFieldFamily(modeScaling: ControllableFieldFamily.ReferenceModeScaling);
        var x = torch.tensor(Points, [3, 2], ScalarType.Float64);
        Numerics.AssertRelative([1.6499214028004014, -0.9683364157605826, -1.318716778524667, 1.591138585007183,
            0.09666505189924983, -2.495165069606349], family.Score(x), 1e-12);
        Numerics.AssertRelative([-5.235290998206605, -4.525754182887411, -4.617947269420777], family.LogDensity(x), 1e-12);
    }

    [Fact]
    public void Triangle_edge_normals_and_offsets_match_the_reference()
    {
        var psi = new ControllableStreamFunctions();
        double[,] want = { { -0.8660254037844386, 0.5 }, { 0, -1 }, { 0.8660254037844386, 0.5 } };
        var normals = psi.EdgeNormals;
        for (int e = 0; e < 3; e++)
        {
            Assert.Equal(want[e, 0], normals[e, 0], 1e-12);
            Assert.Equal(want[e, 1], normals[e, 1], 1e-12);
            Assert.Equal(1.15, psi.EdgeOffsets[e], 1e-12);
        }
    }

    [Fact]
    public void Residual_of_preserving_modes_vanishes_and_of_violating_modes_matches_golden_values_injected()
    {
        using var scope = torch.NewDisposeScope();
        using var family = new ControllableFieldFamily(modeScaling: ControllableFieldFamily.ReferenceModeScaling);
        var x = torch.tensor(Points, [3, 2], ScalarType.Float64).requires_grad_(true);
        var preserving = Numerics.Values(family.Residual(x, Theta, ModeKind.Preserving).Residual);
        Assert.All(preserving, r => Assert.True(Math.Abs(r) < 1e-14, $"preserving residual {r:E2}"));
        Numerics.AssertRelative([10.454780797935069, 4.1649446198418545, 2.0649179727476907],
            family.Residual(x, Theta, ModeKind.Violating).Residual, 1e-12);
    }

    [Fact]
    public void Mode_scaling_estimated_from_seed_123_reproduces_the_reference_diagonal()
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new torch.Generator(123);
        using var family = new ControllableFieldFamily(generator: generator);
        Assert.True(family.ModeScalingEstimated);
        var want = ControllableFieldFamily.ReferenceModeScaling;
        for (int k = 0; k < 3; k++)
        {
            Assert.Equal(want[k], family.ModeScaling[k], 1e-12 * want[k]);
        }
    }
}

public class ControllableFieldFamilyValidationTests
{
    [Fact]
    public void Field_is_score_plus_scaled_modes_and_zero_theta_gives_the_score()
    {
        using var scope = torch.NewDisposeScope();
        using var family = new ControllableFieldFamily(modeScaling: [1.0, 2.0, 3.0]);
        var x = torch.tensor(new double[] { 0.5, -0.3, 1.2, 0.8 }, [2, 2]);
        Assert.True(family.Field(x, [0, 0, 0], ModeKind.Preserving).allclose(family.Score(x), rtol: 0, atol: 0));
        var raw = family.RawModes(x, ModeKind.Violating);
        var basis = family.Basis(x, ModeKind.Violating);
        Assert.True(basis[.., 2].allclose(raw[.., 2].mul(3.0)));
        Assert.True(raw[.., 0].allclose(family.Score(x)));                      // violating b0 = s
        var rotated = family.RawModes(x, ModeKind.Preserving)[.., 0];
        Assert.True(rotated.allclose(ControllableFieldFamily.Rotate90(family.Score(x))));
        var f = family.Field(x, [0.5, -1, 2], ModeKind.Violating);
        var want = family.Score(x).add(basis.mul(torch.tensor(new double[] { 0.5, -1, 2 }).view(1, 3, 1)).sum(1));
        Assert.True(f.allclose(want, rtol: 1e-12, atol: 1e-12));
    }

    [Fact]
    public void Float32_points_give_float32_modes_close_to_float64()
    {
        using var scope = torch.NewDisposeScope();
        using var family = new ControllableFieldFamily(modeScaling: ControllableFieldFamily.ReferenceModeScaling);
        var x64 = torch.tensor(new double[] { 0.3, -0.2, 1, 1 }, [2, 2]);
        var b32 = family.Basis(x64.to(ScalarType.Float32), ModeKind.Preserving);
        Assert.Equal(ScalarType.Float32, b32.dtype);
        Assert.True(b32.to(ScalarType.Float64).allclose(family.Basis(x64, ModeKind.Preserving), rtol: 1e-4, atol: 1e-5));
    }

    [Fact]
    public void Invalid_arguments_name_the_parameter()
    {
        Assert.Equal("modeScaling", Assert.Throws<ArgumentException>(
            () => new ControllableFieldFamily(modeScaling: [1.0, 0.0, 1.0])).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(
            () => new ControllableFieldFamily(new ControllableFieldConfig { Sigma = -1 }, [1.0, 1, 1]));
        using var family = new ControllableFieldFamily(modeScaling: [1.0, 1, 1]);
        using var x = torch.zeros(3, 2, ScalarType.Float64);
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => family.Residual(x, [1, 1, 1], ModeKind.Violating)).ParamName);
        Assert.Equal("x", Assert.Throws<ArgumentException>(
            () => family.RawModes(x, ModeKind.Violating, createGraph: true)).ParamName);
        using var bad = torch.zeros(3, 3);
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => family.Basis(bad, ModeKind.Preserving)).ParamName);
        Assert.Equal("theta", Assert.Throws<ArgumentException>(
            () => family.Field(x, [1, double.NaN, 1], ModeKind.Preserving)).ParamName);
    }
}
