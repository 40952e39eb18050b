namespace FluxMatching.Losses;

using FluxMatching.Fields;
using FluxMatching.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// The gene-local Flux Matching loss of the authors' RNA-velocity experiment (<c>flux_matching_loss</c> in
/// <c>experiments/exp2_rna_velocity/scvelo/tools/velocity_flux.py</c>). It differs from <see cref="FluxMatchingLoss"/>:
/// <list type="bullet">
/// <item>the score is a per-gene 2-D batch KDE over the B cells (kernel [G, B, B]): ŝ is the score of the product of
/// the per-gene KDE marginals of (u, s), with squared distances clamped ≥ 0;</item>
/// <item>the draw order is τ = U·H first, then the anchor noise, the K substep noises, the Rademacher probe;</item>
/// <item>the end-point residual r̂ = ∇·(f − ŝ) + (f − ŝ)·ŝ uses the field's detached parameters (a
/// <see cref="KineticField"/> evaluates them detached; any other field contributes no θ-gradient there either,
/// since the gradient is taken with respect to the end point only);</item>
/// <item>the responsibilities are per gene, [G, B, B], a softmax over anchors with the one-jump variance clamped
/// ≥ 1e-12;</item>
/// <item>the batch-mean loss is multiplied by σ⁴.</item>
/// </list>
/// loss = σ⁴ · mean_b( −2 Σ_{g,k} (f(x0) − ŝ(x0))_{bgk} ĝ_{bgk} ),  ĝ = H e^{−τ} resp·∇r̂(x_τ) (paper Eq. 6).
/// </summary>
public sealed class GeneLocalFluxLoss
{
    /// <summary>The authors' kernel variance σ² (1e-3).</summary>
    public const double DefaultSigma2 = 1e-3;

    private const double Eps = 1e-12;

    /// <summary>Creates the loss.</summary>
    /// <param name="options">Horizon and substeps (null: the authors' H = 4, K = 4). Only the Rademacher probe is
    /// supported; <see cref="FluxLossOptions.MinOneJumpVariance"/> is ignored (the authors clamp at 1e-12).</param>
    public GeneLocalFluxLoss(FluxLossOptions? options = null)
    {
        Options = options ?? FluxLossOptions.Default;
        Options.Validate();
        if (Options.Divergence != DivergenceEstimator.Rademacher)
        {
            throw new ArgumentException(
                $"The gene-local loss uses the Rademacher probe only, got {Options.Divergence}.", nameof(options));
        }
    }

    /// <summary>The options in use.</summary>
    public FluxLossOptions Options { get; }

    /// <summary>
    /// Computes the loss on a batch of cells. Draws not injected come from <paramref name="generator"/> (null: the
    /// global generator) in the authors' order: rand τ-uniform, randn anchor noise, K randn substep noises, randint
    /// probe.
    /// </summary>
    /// <param name="field">f over [B, 2G] (a <see cref="KineticField"/>, or any field with D = 2G and the
    /// (u₀, s₀, u₁, s₁, …) layout), on x's device and dtype.</param>
    /// <param name="x">Cells [B, G, 2] (u, s per gene), B ≥ 1, float32 or float64; also the KDE's reference set (one cell is
    /// its own reference, as in the authors' last partial batch of an epoch).</param>
    /// <param name="sigma2">Kernel and anchor-noise variance σ² &gt; 0 (the authors: 1e-3).</param>
    /// <param name="draws">Optional pre-drawn numbers (shapes of x or [B, 2G]; <see cref="FluxLossDraws.HorizonUniform"/>
    /// is the uniform of τ = u·H).</param>
    /// <param name="generator">Generator for the draws.</param>
    /// <returns>The 0-d loss (graph to θ through f(x0)) and the per-cell terms.</returns>
    public GeneLocalFluxLossResult Compute(IVectorField field, Tensor x, double sigma2 = DefaultSigma2,
        FluxLossDraws? draws = null, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(x);
        Validate(field, x, sigma2);
        long batch = x.size(0), genes = x.size(1);
        double horizon = Options.Horizon;
        int substeps = Options.Substeps;
        var kinetic = field as KineticField;

        using var scope = NewDisposeScope();
        using var sc = new Scalars();
        var data = x.detach();
        var reference = data.permute(1, 0, 2);                                   // [G, B, 2]
        var referenceNorms = reference.pow(Scalars.Two).sum(-1).unsqueeze(1);           // [G, 1, B]
        Tensor Score(Tensor z)
        {
            var q = z.permute(1, 0, 2);                                          // [G, B, 2]
            var q2 = q.pow(Scalars.Two).sum(-1, keepdim: true);                         // [G, B, 1]
            var dist2 = q2.add(referenceNorms, Scalars.One).sub(bmm(q, reference.transpose(1, 2)).mul(sc[2.0])).clamp_min(sc[0.0]);
            var w = dist2.div(sc[-2.0 * sigma2]).softmax(-1);
            return bmm(w, reference).sub(q).div(sc[sigma2]).permute(1, 0, 2);   // [B, G, 2]
        }

        Tensor Field(Tensor z, bool detached)
        {
            if (kinetic is not null)
            {
                var v = kinetic.Velocity(z.select(2, 0), z.select(2, 1), detached);
                return stack([v.Du, v.Ds], 2);
            }

            return field.Evaluate(z.reshape(batch, 2 * genes)).reshape(batch, genes, 2);
        }

        var source = new FluxDrawSource(x, draws, generator, substeps);
        double tau = source.HorizonUniform() * horizon;
        Tensor anchor;
        Tensor end;
        using (no_grad())
        {
            anchor = data.add(source.AnchorNoise().reshape(x.shape), sc[Math.Sqrt(sigma2)]);
            double step = tau / substeps;
            double rhoStep = Math.Exp(-step);
            double varStep = Math.Max(sigma2 * (1.0 - rhoStep * rhoStep), Eps);
            var z = anchor;
            for (int k = 0; k < substeps; k++)
            {
                var mean = z.add(Score(z), sc[sigma2]);
                z = z.mul(sc[rhoStep]).add(mean, sc[1.0 - rhoStep])
                    .add(source.SubstepNoise().reshape(x.shape), sc[Math.Sqrt(varStep)]);
            }

            end = z;
        }

        // End point: r̂ = ∇·m + m·ŝ with m = f − ŝ (Hutchinson, one Rademacher probe), and ∇r̂ w.r.t. x_τ.
        var endGrad = end.detach().requires_grad_(true);
        var scoreEnd = Score(endGrad);
        var mismatch = Field(endGrad, detached: true).sub(scoreEnd);
        var probe = source.Probe(DivergenceEstimator.Rademacher).reshape(x.shape);
        var projection = mismatch.mul(probe).sum();
        var jvp = autograd.grad([projection], [endGrad], create_graph: true, retain_graph: true)[0];
        var residual = jvp.mul(probe).sum([1, 2]).add(mismatch.mul(scoreEnd).sum([1, 2]), Scalars.One);   // [B]
        var gradResidual = autograd.grad([residual.sum()], [endGrad])[0].detach();            // [B, G, 2]

        Tensor carried;
        Tensor scoreAnchor;   // ŝ(x0): no parameters, so one evaluation serves the means and the loss branch
        using (no_grad())
        {
            double rho = Math.Exp(-tau);
            double variance = Math.Max(sigma2 * (1.0 - rho * rho), Eps);
            scoreAnchor = Score(anchor);
            var means = anchor.add(scoreAnchor, sc[(1.0 - rho) * sigma2]).permute(1, 0, 2);   // [G, B, 2]
            var ends = end.permute(1, 0, 2);                                                     // [G, B, 2]
            var m2 = means.pow(Scalars.Two).sum(-1, keepdim: true);
            var e2 = ends.pow(Scalars.Two).sum(-1).unsqueeze(1);
            var dist2 = m2.add(e2, Scalars.One).sub(bmm(means, ends.transpose(1, 2)).mul(sc[2.0])).clamp_min(sc[0.0]);
            var resp = dist2.mul(sc[-0.5 / variance]).softmax(1);                               // [G, B, B]
            carried = bmm(resp, gradResidual.permute(1, 0, 2)).mul(sc[rho * horizon]).permute(1, 0, 2);
        }

        var mismatch0 = Field(anchor, detached: false).sub(scoreAnchor);
        var perCell = mismatch0.mul(carried).sum([1, 2]).mul(sc[-2.0 * sigma2 * sigma2]);     // [B]
        var loss = perCell.mean();
        return new GeneLocalFluxLossResult(loss.MoveToOuterDisposeScope(), perCell.MoveToOuterDisposeScope(), tau,
            residual.detach().MoveToOuterDisposeScope(), carried.MoveToOuterDisposeScope());
    }

    private static void Validate(IVectorField field, Tensor x, double sigma2)
    {
        if (x.dim() != 3 || x.size(2) != 2 || x.size(0) < 1)
        {
            throw new ArgumentException(
                $"x must have shape [B, G, 2] with B >= 1 (cells, genes, (u, s)), got [{string.Join(", ", x.shape)}].",
                nameof(x));
        }

        if (x.dtype is not (ScalarType.Float32 or ScalarType.Float64))
        {
            throw new ArgumentException($"x must be float32 or float64, got {x.dtype}.", nameof(x));
        }

        if (field.Dimension != 2 * x.size(1))
        {
            throw new ArgumentException(
                $"field has dimension {field.Dimension}, but x has {x.size(1)} genes (2G = {2 * x.size(1)}).",
                nameof(field));
        }

        if (!(sigma2 > 0) || !double.IsFinite(sigma2))
        {
            throw new ArgumentOutOfRangeException(nameof(sigma2), sigma2, "sigma2 must be finite and > 0.");
        }
    }
}
