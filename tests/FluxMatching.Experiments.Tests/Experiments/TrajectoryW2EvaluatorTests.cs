namespace FluxMatching.Tests.Experiments;

using FluxMatching.Experiments;
using FluxMatching.Fields;
using FluxMatching.Sampling;

public class TrajectoryW2EvaluatorTests
{
    [Fact]
    public void W2_of_the_reference_against_itself_is_zero()
    {
        using var scope = torch.NewDisposeScope();
        var reference = torch.randn(12, 5, 4, generator: new torch.Generator(1));
        using var evaluator = new TrajectoryW2Evaluator(reference);
        Assert.Equal(0.0, evaluator.W2(reference), 10);
        Assert.Equal(12, evaluator.Count);
        Assert.Equal(new long[] { 12, 20 }, evaluator.Reference.shape);
    }

    [Fact]
    public void W2_of_a_translated_reference_is_the_length_of_the_translation()
    {
        // For a translate of the same point set the identity matching is optimal: W2 = |a| = c·√D.
        using var scope = torch.NewDisposeScope();
        var reference = torch.randn(30, 3, 4, ScalarType.Float64, generator: new torch.Generator(2));
        using var evaluator = new TrajectoryW2Evaluator(reference);
        Assert.Equal(0.5 * Math.Sqrt(12), evaluator.W2(reference.add(0.5)), 9);
    }

    [Fact]
    public void Exact_gaussian_score_through_the_ode_matches_gaussian_draws_on_low_rank_data()
    {
        // End-to-end check of the exp5 evaluation path (sampler schedule, σ given to the field, W2): data on a
        // nearly low-rank Gaussian like the standardised springs (a few large directions, many tiny ones); the
        // field is the exact σ-smoothed score (Σ + σ²I)⁻¹(μ − x). Its ODE samples must be as close to the data as
        // exact draws of the fitted Gaussian. (On the springs data, 2,000 × 200-d, 512 steps: 7.53 vs 7.62.)
        using var scope = torch.NewDisposeScope();
        const int n = 300, d = 20;
        var basis = torch.randn(3, d, ScalarType.Float64, generator: new torch.Generator(4));
        var data = torch.randn(n, 3, ScalarType.Float64, generator: new torch.Generator(5)).matmul(basis)
            .add(torch.randn(n, d, ScalarType.Float64, generator: new torch.Generator(6)).mul(0.01)).add(0.3);
        var mu = data.mean([0]);
        var centred = data.sub(mu);
        var (evals, evecs) = torch.linalg.eigh(centred.T.matmul(centred).div(n));
        using var evaluator = new TrajectoryW2Evaluator(data, new ProbabilityFlowOdeOptions { Steps = 128 });
        double ode = evaluator.Evaluate(new GaussianScore(mu, evals, evecs), new torch.Generator(7));
        var draws = torch.randn(n, d, ScalarType.Float64, generator: new torch.Generator(8))
            .mul(evals.clamp_min(0).sqrt()).matmul(evecs.T).add(mu);
        double exact = evaluator.W2(draws);
        Assert.True(Math.Abs(ode - exact) < 0.15 * exact, $"ODE with the exact score: W2 {ode:F3}; exact draws {exact:F3}");
    }

    private sealed class GaussianScore(torch.Tensor mu, torch.Tensor evals, torch.Tensor evecs) : IVectorField
    {
        public int Dimension => (int)mu.shape[0];

        public bool IsNoiseConditioned => true;

        public torch.Tensor Evaluate(torch.Tensor x, torch.Tensor? sigma = null)
        {
            double s = sigma!.ToDouble();
            using var scope = torch.NewDisposeScope();
            var coordinates = mu.sub(x.to(ScalarType.Float64)).matmul(evecs).div(evals.add(s * s));
            return coordinates.matmul(evecs.T).to(x.dtype).MoveToOuterDisposeScope();
        }
    }

    [Fact]
    public void W2_is_infinite_when_a_sample_is_not_finite()
    {
        using var scope = torch.NewDisposeScope();
        var reference = torch.zeros(4, 6);
        using var evaluator = new TrajectoryW2Evaluator(reference);
        var samples = torch.zeros(4, 6);
        samples[2, 3] = torch.tensor(double.NaN);
        Assert.Equal(double.PositiveInfinity, evaluator.W2(samples));
    }

    [Fact]
    public void Sampling_a_point_mass_score_contracts_the_start_points_to_the_origin()
    {
        // s(x, σ) = −x/σ² is the score of δ₀ smoothed by σ; the ODE then scales x by σ(t)/σ_max (up to Euler error),
        // so samples end near 0 and W2 against an all-zero reference is tiny compared with the start scale 80·√D.
        using var scope = torch.NewDisposeScope();
        using var evaluator = new TrajectoryW2Evaluator(torch.zeros(16, 2, 3, ScalarType.Float64),
            new ProbabilityFlowOdeOptions { Steps = 256 });
        var samples = evaluator.Sample(new PointMassScore(6), new torch.Generator(3));
        Assert.Equal(new long[] { 16, 6 }, samples.shape);
        Assert.Equal(ScalarType.Float64, samples.dtype);
        Assert.True(evaluator.W2(samples) < 0.05, $"W2 = {evaluator.W2(samples)}");
    }

    [Fact]
    public void Invalid_inputs_are_rejected_with_the_parameter_name()
    {
        using var scope = torch.NewDisposeScope();
        Assert.Equal("reference", Assert.Throws<ArgumentException>(() => new TrajectoryW2Evaluator(torch.zeros(1, 4))).ParamName);
        using var evaluator = new TrajectoryW2Evaluator(torch.zeros(4, 6));
        Assert.Equal("samples", Assert.Throws<ArgumentException>(() => evaluator.W2(torch.zeros(5, 6))).ParamName);
        Assert.Equal("field", Assert.Throws<ArgumentException>(() => evaluator.Sample(new PointMassScore(5))).ParamName);
    }

    private sealed class PointMassScore(int dimension) : IVectorField
    {
        public int Dimension => dimension;

        public bool IsNoiseConditioned => true;

        public torch.Tensor Evaluate(torch.Tensor x, torch.Tensor? sigma = null) => x.neg().div(sigma!.square());
    }
}
