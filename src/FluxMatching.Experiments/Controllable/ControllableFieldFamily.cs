namespace FluxMatching.Controllable;

using FluxMatching.Data;
using FluxMatching.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// exp1's analytic field family on the σ-smoothed triangle mixture (the authors' experiments/exp1_controllable/test.py, paper §4.1):
/// f_θ(x) = s(x) + Σ_k θ_k b_k(x), θ ∈ R³, with s = ∇log p and the modes b_k of <see cref="ModeKind"/>, each scaled by
/// 1/√max(E_p‖b_k^pres‖², eps) (the same diagonal for both columns, estimated from samples of p on the preserving
/// modes). The density floor 1e-12 guards the division by p. All tensor methods take points [B, 2] of any float
/// dtype/device and return results on the same.
/// </summary>
public sealed class ControllableFieldFamily : IDisposable
{
    private readonly double[] scaling;

    /// <summary>Creates the family.</summary>
    /// <param name="config">Constants (null: the reference defaults).</param>
    /// <param name="modeScaling">Injected mode-scaling diagonal [3] (finite, &gt; 0), e.g.
    /// <see cref="ReferenceModeScaling"/>; null: estimated from <c>config.OrthonormBatch</c> samples of p (float64,
    /// CPU) drawn from <paramref name="generator"/> (multinomial component indices, then standard normals).</param>
    /// <param name="generator">Generator for the estimate (null: the global generator); ignored when injected.</param>
    public ControllableFieldFamily(ControllableFieldConfig? config = null, IReadOnlyList<double>? modeScaling = null,
        Generator? generator = null)
    {
        Config = config ?? new ControllableFieldConfig();
        Config.Validate();
        Mixture = new TriangleMixtureDataset(Config.MixtureRadius, Config.ComponentStd, Config.Sigma);
        StreamFunctions = new ControllableStreamFunctions(Config);
        if (modeScaling is null)
        {
            scaling = EstimateModeScaling(generator);
            ModeScalingEstimated = true;
        }
        else
        {
            if (modeScaling.Count != 3 || modeScaling.Any(v => !double.IsFinite(v) || v <= 0))
            {
                throw new ArgumentException(
                    $"modeScaling must hold 3 finite values > 0, got [{string.Join(", ", modeScaling)}].",
                    nameof(modeScaling));
            }

            scaling = [.. modeScaling];
        }
    }

    /// <summary>
    /// The reference's mode-scaling diagonal (seed 123, 1,200 samples; the authors' experiments/exp1_controllable/test.py, seed 123), for injection:
    /// [0.5894819361081126, 0.05526011045909902, 0.05200790273404271].
    /// </summary>
    public static IReadOnlyList<double> ReferenceModeScaling { get; } =
        [0.5894819361081126, 0.05526011045909902, 0.05200790273404271];

    /// <summary>The constants in use.</summary>
    public ControllableFieldConfig Config { get; }

    /// <summary>The target p: the triangle mixture smoothed by σ (variance 0.65² + σ² per component).</summary>
    public TriangleMixtureDataset Mixture { get; }

    /// <summary>ψ_cycle and ψ_skew.</summary>
    public ControllableStreamFunctions StreamFunctions { get; }

    /// <summary>The mode-scaling diagonal [3] in use.</summary>
    public IReadOnlyList<double> ModeScaling => scaling;

    /// <summary>True when <see cref="ModeScaling"/> was estimated from samples, false when injected.</summary>
    public bool ModeScalingEstimated { get; }

    /// <summary>s(x) = ∇log p(x) [B, 2] (closed form, differentiable).</summary>
    /// <param name="x">Points [B, 2].</param>
    public Tensor Score(Tensor x) => Mixture.Score(x);

    /// <summary>log p(x) [B] (closed form, differentiable).</summary>
    /// <param name="x">Points [B, 2].</param>
    public Tensor LogDensity(Tensor x) => Mixture.LogDensity(x);

    /// <summary>p(x) [B].</summary>
    /// <param name="x">Points [B, 2].</param>
    public Tensor Density(Tensor x)
    {
        using var scope = NewDisposeScope();
        return LogDensity(x).exp().MoveToOuterDisposeScope();
    }

    /// <summary>The unscaled modes (b0, b1, b2) of one column, [B, 3, 2].</summary>
    /// <param name="x">Points [B, 2]; with <paramref name="createGraph"/> they must require grad.</param>
    /// <param name="kind">Which column.</param>
    /// <param name="createGraph">True: keep the graph to x (∇ψ by double backward) so that the result can be
    /// differentiated again; false: a detached result.</param>
    public Tensor RawModes(Tensor x, ModeKind kind, bool createGraph = false)
    {
        ControllableStreamFunctions.ValidatePoints(x);
        if (createGraph && !x.requires_grad)
        {
            throw new ArgumentException("createGraph needs points that require grad (x.requires_grad_(true)).", nameof(x));
        }

        using var scope = NewDisposeScope();
        using var gradMode = enable_grad();
        var input = createGraph ? x : x.detach();
        var xc = createGraph ? x : x.detach().clone().requires_grad_(true);
        var gradCycle = autograd.grad([StreamFunctions.PsiCycle(xc).sum()], [xc],
            retain_graph: createGraph, create_graph: createGraph)[0];
        var xs = createGraph ? x : x.detach().clone().requires_grad_(true);
        var gradSkew = autograd.grad([StreamFunctions.PsiSkew(xs).sum()], [xs],
            retain_graph: createGraph, create_graph: createGraph)[0];
        var s = Score(input);
        var p = Density(input);
        if (!createGraph)
        {
            gradCycle = gradCycle.detach();
            gradSkew = gradSkew.detach();
            s = s.detach();
            p = p.detach();
        }

        var pSafe = p.clamp_min(Scalars.Shared(Config.DensityFloor)).unsqueeze(1);
        Tensor[] modes = kind == ModeKind.Preserving
            ? [Rotate90(s), Rotate90(gradCycle).neg().div(pSafe), Rotate90(gradSkew).div(pSafe)]
            : [s, gradCycle.div(pSafe), gradSkew.div(pSafe)];
        return stack(modes, 1).MoveToOuterDisposeScope();
    }

    /// <summary>The scaled modes b_k = scale_k·raw_k of one column, [B, 3, 2].</summary>
    /// <param name="x">Points [B, 2] (requiring grad when <paramref name="createGraph"/>).</param>
    /// <param name="kind">Which column.</param>
    /// <param name="createGraph">Keep the graph to x (see <see cref="RawModes"/>).</param>
    public Tensor Basis(Tensor x, ModeKind kind, bool createGraph = false)
    {
        using var scope = NewDisposeScope();
        var raw = RawModes(x, kind, createGraph);
        return raw.mul(tensor(scaling, [1, 3, 1], ScalarType.Float64).to(raw.dtype, raw.device))
            .MoveToOuterDisposeScope();
    }

    /// <summary>δu(x) = Σ_k θ_k b_k(x), [B, 2].</summary>
    /// <param name="x">Points [B, 2] (requiring grad when <paramref name="createGraph"/>).</param>
    /// <param name="theta">θ [3], finite.</param>
    /// <param name="kind">Which column.</param>
    /// <param name="createGraph">Keep the graph to x.</param>
    public Tensor Perturbation(Tensor x, IReadOnlyList<double> theta, ModeKind kind, bool createGraph = false)
    {
        ValidateTheta(theta);
        using var scope = NewDisposeScope();
        var basis = Basis(x, kind, createGraph);
        var t = tensor(theta.ToArray(), [1, 3, 1], ScalarType.Float64).to(basis.dtype, basis.device);
        return basis.mul(t).sum(1).MoveToOuterDisposeScope();
    }

    /// <summary>f_θ(x) = s(x) + Σ_k θ_k b_k(x), [B, 2].</summary>
    /// <param name="x">Points [B, 2] (requiring grad when <paramref name="createGraph"/>).</param>
    /// <param name="theta">θ [3], finite.</param>
    /// <param name="kind">Which column.</param>
    /// <param name="createGraph">Keep the graph to x.</param>
    public Tensor Field(Tensor x, IReadOnlyList<double> theta, ModeKind kind, bool createGraph = false)
    {
        using var scope = NewDisposeScope();
        var delta = Perturbation(x, theta, kind, createGraph);
        var s = createGraph ? Score(x) : Score(x.detach());
        return s.add(delta, Scalars.One).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The exact flux residual r = ∇·δu + δu·s at x (divergence by autograd, one pass per dimension; third-order
    /// differentiable through ψ).
    /// </summary>
    /// <param name="x">Points [B, 2] that require grad; r and δu stay attached to their graph.</param>
    /// <param name="theta">θ [3], finite.</param>
    /// <param name="kind">Which column.</param>
    public FieldResidual Residual(Tensor x, IReadOnlyList<double> theta, ModeKind kind)
    {
        ControllableStreamFunctions.ValidatePoints(x);
        if (!x.requires_grad)
        {
            throw new ArgumentException("x must require grad (x.detach().requires_grad_(true)).", nameof(x));
        }

        using var scope = NewDisposeScope();
        using var gradMode = enable_grad();
        var s = Score(x);
        var u = Perturbation(x, theta, kind, createGraph: true);
        Tensor? divergence = null;
        for (int d = 0; d < 2; d++)
        {
            var g = autograd.grad([u[.., d].sum()], [x], retain_graph: true, create_graph: true)[0];
            var term = g[.., d];
            divergence = divergence is null ? term : divergence.add(term, Scalars.One);
        }

        var r = divergence!.add(u.mul(s).sum(1), Scalars.One);
        return new FieldResidual(r.MoveToOuterDisposeScope(), u.MoveToOuterDisposeScope());
    }

    /// <summary>Frees the mixture's per-device tensors.</summary>
    public void Dispose() => Mixture.Dispose();

    /// <summary>R(v) = (−v_y, v_x) for v [B, 2].</summary>
    /// <param name="v">Vectors [B, 2].</param>
    public static Tensor Rotate90(Tensor v)
    {
        using var scope = NewDisposeScope();
        return stack([v[.., 1].neg(), v[.., 0]], 1).MoveToOuterDisposeScope();
    }

    internal static void ValidateTheta(IReadOnlyList<double> theta, string name = "theta")
    {
        ArgumentNullException.ThrowIfNull(theta, name);
        if (theta.Count != 3 || theta.Any(v => !double.IsFinite(v)))
        {
            throw new ArgumentException($"{name} must hold 3 finite values, got [{string.Join(", ", theta)}].", name);
        }
    }

    private double[] EstimateModeScaling(Generator? generator)
    {
        using var scope = NewDisposeScope();
        var x = Mixture.Sample(Config.OrthonormBatch, generator, CPU, ScalarType.Float64);
        var raw = RawModes(x, ModeKind.Preserving);
        var energy = raw.pow(Scalars.Two).sum([0, 2]).div(Scalars.Shared(Config.OrthonormBatch)).cpu().data<double>().ToArray();
        return energy.Select(e => 1.0 / Math.Sqrt(Math.Max(e, Config.OrthonormEps))).ToArray();
    }
}
