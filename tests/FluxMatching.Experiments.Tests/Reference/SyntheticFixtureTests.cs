namespace FluxMatching.Tests.Reference;

using System.Text.Json;
using FluxMatching.Losses;
using FluxMatching.Reference;
using FluxMatching.Tests.Losses;

/// <summary>The verifier accepts fixtures it has never seen: other B, sample shape and layer count.</summary>
public class SyntheticFixtureTests
{
    private static readonly int[] Widths = [6, 7, 5, 4, 6];

    /// <summary>Writes a plain-loss fixture for x [5, 2, 3] and a 4-layer MLP, with expected values computed by an
    /// explicit (non-MlpField) field through the loss and autograd.</summary>
    private static string WriteFixture(Action<Dictionary<string, object>>? corrupt = null)
    {
        using var scope = NewDisposeScope();
        long[] shape = [5, 2, 3];
        var g = new Generator(42);
        var x = randn(shape, dtype: ScalarType.Float64, generator: g);
        var weights = new List<(Tensor W, Tensor B)>();
        for (int i = 0; i + 1 < Widths.Length; i++)
        {
            weights.Add((
                (randn(Widths[i + 1], Widths[i], dtype: ScalarType.Float64, generator: g) * 0.4).requires_grad_(true),
                (randn(Widths[i + 1], dtype: ScalarType.Float64, generator: g) * 0.1).requires_grad_(true)));
        }

        Tensor Field(Tensor z)
        {
            var h = z.reshape(5, 6);
            for (int i = 0; i < weights.Count; i++)
            {
                h = h.mm(weights[i].W.t()) + weights[i].B;
                if (i < weights.Count - 1)
                {
                    h = h * h.sigmoid();
                }
            }

            return h.reshape(shape);
        }

        var anchor = randn(shape, dtype: ScalarType.Float64, generator: g);
        var u = tensor(0.61);
        var noises = Enumerable.Range(0, 4).Select(_ => randn(shape, dtype: ScalarType.Float64, generator: g)).ToArray();
        var bits = randint(0, 2, shape, generator: g);
        var result = new FluxMatchingLoss().Compute(Field, x, 0.2, draws: new FluxLossDraws(anchor, u, noises, bits));
        result.PerSample.mean().backward();

        static double[] V(Tensor t) => Numerics.Values(t);
        static double[][] M(Tensor t) =>
            Enumerable.Range(0, (int)t.shape[0]).Select(r => Numerics.Values(t[r])).ToArray();
        object Draw(string kind, Tensor t) => new { kind, shape = t.shape, values = V(t) };

        var expected = new Dictionary<string, object>
        {
            ["t"] = result.T.ToDouble(),
            ["per_sample_loss"] = V(result.PerSample),
            ["mean_loss"] = result.PerSample.mean().ToDouble(),
            ["grad_of_mean_loss"] = weights.Select(w => new { weight = M(w.W.grad!), bias = V(w.B.grad!) }).ToArray(),
        };
        corrupt?.Invoke(expected);
        var fixture = new
        {
            name = "synthetic_rank3_4layers",
            kind = "flux_matching_loss",
            B = 5,
            D = 6,
            x_shape = shape,
            sigma2 = 0.2,
            horizon = 4.0,
            simulation_steps = 4,
            x = V(x),
            mlp = new { activation = "silu", layers = weights.Select(w => new { weight = M(w.W), bias = V(w.B) }).ToArray() },
            draws_in_order = new object[]
            {
                Draw("normal", anchor), new { kind = "uniform", shape = Array.Empty<long>(), values = new[] { 0.61 } },
                Draw("normal", noises[0]), Draw("normal", noises[1]), Draw("normal", noises[2]), Draw("normal", noises[3]),
                Draw("integer", bits.to(ScalarType.Float64)),
            },
            expected,
        };
        var path = Path.Combine(Path.GetTempPath(), $"fluxfixture-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, JsonSerializer.Serialize(fixture));
        return path;
    }

    [Fact]
    public void An_unseen_fixture_with_another_shape_and_depth_is_replayed_exactly()
    {
        var path = WriteFixture();
        try
        {
            var report = ReferenceVerifier.Verify([path]).Single();
            Assert.Null(report.Error);
            Assert.Empty(report.Skipped);
            Assert.Equal(3 + 2 * 4, report.Quantities.Count);
            Assert.True(report.MaxRelativeError < 1e-13, $"{report.MaxRelativeError:E2}");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_wrong_expected_gradient_fails_and_is_named()
    {
        var path = WriteFixture(e => ((dynamic[])e["grad_of_mean_loss"])[2] = new { weight = new double[4][], bias = new[] { 1.0, 2, 3, 4 } });
        try
        {
            var report = ReferenceVerifier.Verify([path]).Single();
            Assert.False(report.Passes(ReferenceVerifier.Tolerance));
            var bad = report.Quantities.Where(q => q.RelativeError > ReferenceVerifier.Tolerance).Select(q => q.Name);
            Assert.Contains("grad_of_mean_loss[2].bias", bad);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Unreadable_or_malformed_files_are_reported_not_thrown()
    {
        var path = Path.Combine(Path.GetTempPath(), $"fluxfixture-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, "{\"kind\": \"flux_matching_loss\"}");
        try
        {
            var reports = ReferenceVerifier.Verify([path, path + ".missing"]);
            Assert.All(reports, r => Assert.NotNull(r.Error));
            Assert.All(reports, r => Assert.False(r.Passes(ReferenceVerifier.Tolerance)));
            Assert.Equal(double.PositiveInfinity, reports[0].MaxRelativeError);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
