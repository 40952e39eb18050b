namespace FluxMatching.Losses;

using FluxMatching.Fields;
using FluxMatching.Kernels;
using FluxMatching.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// The Flux Matching loss exactly as the authors implement it (the authors' src/flux_matching.py (flux_matching_loss), paper Eq. 6 and §2.7): anchors
/// x0 = x + σξ0; K exponential-integrator Langevin substeps under the batch-KDE score ŝ for a horizon t ~ q;
/// r̂ = ∇·u + u·ŝ with u = f_θ − ŝ at the end point x_t (Hutchinson probe, second-order autograd); g = ∇r̂(x_t)
/// carried back to the anchors by the responsibility matrix W and e^{−t}/q(t); ℓ_i = −2 u_θ(x0_i)·ĝ_i.
/// <para>Differences from the reference that leave every value unchanged (up to rounding): ŝ(x0) is computed once
/// (the reference computes it twice), the ‖z‖² term is dropped from the softmax logits, substeps are fused as
/// z ← e^{−h} z + (1 − e^{−h}) m(z) + noise, the KDE's derivatives at the end point are taken in closed form
/// (<see cref="FluxEndPoint"/>; autograd runs through the field only), and for small D on the CPU the B×B kernel
/// work runs in fused kernels that never build the B×B matrices (<see cref="BatchKde"/>). At t = 0 exactly (probability ~2⁻²⁴ in float32) the reference divides by
/// a zero one-jump variance and returns NaN; this port uses the limit W = I there.</para>
/// </summary>
public sealed partial class FluxMatchingLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="options">Options (null: the reference defaults, <see cref="FluxLossOptions.Default"/>).</param>
    public FluxMatchingLoss(FluxLossOptions? options = null)
    {
        Options = options ?? FluxLossOptions.Default;
        Options.Validate();
    }

    /// <summary>The options in use.</summary>
    public FluxLossOptions Options { get; }

    /// <summary>Take the path of the other devices (t kept as a tensor) also on the CPU, to test it against the CPU
    /// path.</summary>
    internal bool ResidentOnCpu { get; init; }

    /// <summary>Computes the per-sample loss of a field that is not noise-conditioned (see the callable overload).
    /// </summary>
    /// <param name="field">The field; receives tensors shaped like x.</param>
    /// <param name="x">Clean batch [B, *S].</param>
    /// <param name="sigma2">Noise variance σ² &gt; 0.</param>
    /// <param name="proposal">Optional learned horizon proposal.</param>
    /// <param name="draws">Optional pre-drawn random numbers.</param>
    /// <param name="generator">Generator for the draws (null: the global generator).</param>
    public FluxLossResult Compute(
        IVectorField field,
        Tensor x,
        double sigma2,
        ExponentialTimeProposal? proposal = null,
        FluxLossDraws? draws = null,
        Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(field);
        if (field.IsNoiseConditioned)
        {
            throw new ArgumentException(
                "field is noise-conditioned; use AnnealedFluxLoss (or close the field over σ).", nameof(field));
        }

        ValidateFieldInput(field, x, nameof(x));
        return Compute(z => field.Evaluate(z), x, sigma2, proposal, draws, generator, EndPointTerms(field, null, x),
            AnchorField(field, null));
    }

    /// <summary>
    /// Computes the per-sample loss. Draws (when not injected) come from <paramref name="generator"/> in the
    /// reference order: randn anchor noise, rand horizon uniform (or the proposal's rand(1)), K randn substep noises,
    /// randint{0,1} probe.
    /// </summary>
    /// <param name="field">f_θ: maps a tensor shaped like x ([B, *S]) to the same shape (a noise-conditioned field is
    /// closed over σ by the caller).</param>
    /// <param name="x">Clean batch [B, *S], B ≥ 2, float32 or float64, finite; also the KDE's reference set.</param>
    /// <param name="sigma2">Noise variance σ² &gt; 0 shared by the batch (kernel bandwidth and anchor noise).</param>
    /// <param name="proposal">Optional learned horizon proposal (evaluated at σ = √σ², in its parameters' dtype);
    /// null: t = u·H, q = 1/H. No gradient reaches it through the loss.</param>
    /// <param name="draws">Optional pre-drawn random numbers (null members are drawn).</param>
    /// <param name="generator">Generator for the draws (null: the global generator).</param>
    public FluxLossResult Compute(
        Func<Tensor, Tensor> field,
        Tensor x,
        double sigma2,
        ExponentialTimeProposal? proposal = null,
        FluxLossDraws? draws = null,
        Generator? generator = null) =>
        Compute(field, x, sigma2, proposal, draws, generator, null);

    /// <summary>
    /// The loss of a noise-conditioned field at σ (the annealed objective's flux term): like the callable overload
    /// with f(z) = field(z, σ), but a field's capabilities (closed-form end-point terms, first-order node) are used.
    /// </summary>
    /// <param name="field">A noise-conditioned field.</param>
    /// <param name="sigma">σ (one element, x's dtype and device).</param>
    /// <param name="x">Clean batch [B, *S].</param>
    /// <param name="sigma2">σ² (the loss's variance).</param>
    /// <param name="proposal">Optional horizon proposal.</param>
    /// <param name="draws">Optional pre-drawn random numbers.</param>
    /// <param name="generator">Generator for the draws.</param>
    internal FluxLossResult ComputeConditioned(IVectorField field, Tensor sigma, Tensor x, double sigma2,
        ExponentialTimeProposal? proposal, FluxLossDraws? draws, Generator? generator)
    {
        ValidateFieldInput(field, x, nameof(x));
        return Compute(z => field.Evaluate(z, sigma), x, sigma2, proposal, draws, generator, EndPointTerms(field, sigma, x),
            AnchorField(field, sigma));
    }

    private FluxLossResult Compute(
        Func<Tensor, Tensor> field,
        Tensor x,
        double sigma2,
        ExponentialTimeProposal? proposal,
        FluxLossDraws? draws,
        Generator? generator,
        FluxEndPoint.FieldTerms? terms,
        Func<Tensor, Tensor>? anchorField = null)
    {
        ArgumentNullException.ThrowIfNull(field);
        ValidateBatch(x, nameof(x));
        BatchKde.ValidateSigma2(sigma2, nameof(sigma2));
        long batch = x.shape[0];
        long dimension = x.numel() / batch;
        if (Options.Divergence == DivergenceEstimator.Exact && dimension > FluxLossOptions.MaxExactDivergenceDimension)
        {
            throw new ArgumentException(
                $"The exact divergence needs D <= {FluxLossOptions.MaxExactDivergenceDimension}, but x has D = " +
                $"{dimension}; use the Rademacher or Gaussian estimator.", nameof(x));
        }

        using var scope = NewDisposeScope();
        using var sc = new Scalars();
        using var kde = new BatchKde(x, sigma2);
        var source = new FluxDrawSource(x, draws, generator, Options.Substeps);
        var reference = kde.Reference;
        double horizon = Options.Horizon;
        int substeps = Options.Substeps;

        // DRAW 1: anchors x0 = x + σ ξ0 (detached).
        Tensor x0;
        using (no_grad())
        {
            x0 = reference.add(source.AnchorNoise(), sc[Math.Sqrt(sigma2)]);
        }

        if (x.device_type != DeviceType.CPU || ResidentOnCpu)
        {
            return ComputeResident(field, x, sigma2, proposal, kde, source, x0, terms, anchorField);
        }

        // DRAW 2: the horizon t and its proposal density q(t).
        double t, qt;
        if (proposal is null)
        {
            t = source.HorizonUniform() * horizon;
            qt = 1.0 / horizon;
        }
        else
        {
            ValidateProposal(proposal, horizon);
            using (no_grad())
            {
                var sigma = tensor(Math.Sqrt(sigma2), dtype: proposal.ParameterType, device: x.device).reshape(1);
                var sample = proposal.Sample(sigma, source.ProposalUniform(), source.Generator);
                t = sample.T.ItemAsDouble();
                qt = sample.Density.ItemAsDouble();
            }
        }

        // DRAWS 3..K+2: K exponential-integrator substeps z ← e^{−h} z + (1 − e^{−h}) m(z) + √(σ²(1 − e^{−2h})) ξ.
        Tensor xt = x0;
        Tensor? denoisedX0 = null;
        using (no_grad())
        {
            double rhoH = Math.Exp(-t / substeps);
            var keep = sc[rhoH];
            var pull = sc[1.0 - rhoH];
            double noiseScale = Math.Sqrt(sigma2 * Math.Max(1.0 - rhoH * rhoH, 0.0));
            var noise = sc[noiseScale];
            for (int k = 0; k < substeps; k++)
            {
                if (k > 0)
                {
                    xt = kde.Substep(xt, source.SubstepNoise(), 1.0 - rhoH, rhoH, noiseScale);
                    continue;
                }

                denoisedX0 = kde.DenoiseRows(xt, out _);                      // m(x0), reused for ŝ(x0) below
                xt = denoisedX0.mul(pull).add_(xt, keep).add_(source.SubstepNoise(), noise);
            }
        }

        // LAST DRAW: the probe; then r̂ = ∇·u + u·ŝ at x_t and g = ∇r̂(x_t) by second-order autograd.
        Tensor? probe = Options.Divergence == DivergenceEstimator.Exact ? null : source.Probe(Options.Divergence);
        var (residual, endGradient) = probe is null
            ? EndPoint(field, kde, xt, x.shape, probe)
            : FluxEndPoint.Compute(kde, xt, probe, terms ?? FluxEndPoint.Autograd(field, x.shape));

        // Carry g back to the anchors: ĝ = (e^{−t}/q) W g with W = softmax over anchors of −‖μ_i − x_t,j‖²/2v.
        Tensor scoreX0, carried;
        using (no_grad())
        {
            double rho = Math.Exp(-t);
            var m0 = denoisedX0 ?? kde.DenoiseRows(x0, out _);
            scoreX0 = m0.sub(x0).mul_(sc[1.0 / sigma2]);                      // computed once, used twice
            var mu = m0.mul_(sc[1.0 - rho]).add_(x0, sc[rho]);                // one-jump mean x0 + (1 − ρ)σ²ŝ(x0)
            double v = sigma2 * (1.0 - rho * rho);
            if (Options.MinOneJumpVariance is { } minV)
            {
                v = Math.Max(v, minV);
            }

            Tensor mixed;
            if (v > 0.0)
            {
                using var responsibilities = new BatchKde(mu, v);
                mixed = responsibilities.CarryBack(xt, endGradient);
            }
            else
            {
                mixed = endGradient.clone();                                  // the t → 0 limit W = I
            }

            carried = mixed.mul_(sc[rho / qt]);
        }

        // The only θ-carrying term: ℓ_i = −2 (f_θ(x0_i) − ŝ(x0_i))·ĝ_i.
        var f0 = CheckedField(anchorField ?? field, x0, x.shape);
        var loss = f0.sub(scoreX0).mul(carried).sum(1).mul_(Scalars.MinusTwo);

        var result = new FluxLossResult(
            loss,
            tensor(t, dtype: x.dtype, device: x.device),
            tensor(qt, dtype: x.dtype, device: x.device),
            x0.view(x.shape),
            xt.view(x.shape),
            residual,
            carried.view(x.shape));
        result.PerSample.MoveToOuterDisposeScope();
        result.T.MoveToOuterDisposeScope();
        result.ProposalDensity.MoveToOuterDisposeScope();
        result.X0.MoveToOuterDisposeScope();
        result.Xt.MoveToOuterDisposeScope();
        result.Residual.MoveToOuterDisposeScope();
        result.CarriedGradient.MoveToOuterDisposeScope();
        return result;
    }

    /// <summary>f at the anchors, differentiated once: the field's first-order node
    /// (<see cref="FieldCapabilities.FirstOrderNode"/>), else null.</summary>
    private static Func<Tensor, Tensor>? AnchorField(IVectorField field, Tensor? sigma) =>
        FieldCapabilities.FirstOrderNode(field) is { } node ? z => node.EvaluateFirstOrder(z, sigma) : null;

    /// <summary>The end-point field terms: closed form where the field offers them
    /// (<see cref="FieldCapabilities.ClosedFormEndPoint"/>), else autograd.</summary>
    private static FluxEndPoint.FieldTerms EndPointTerms(IVectorField field, Tensor? sigma, Tensor x) =>
        FieldCapabilities.ClosedFormEndPoint(field) is { } closed
            ? (z, probe, c) => closed.EndPointTerms(z, sigma, probe, c)
            : FluxEndPoint.Autograd(z => field.Evaluate(z, sigma), x.shape);

    /// <summary>The end point with the exact divergence: autograd through the field and the KDE score.</summary>
    private (Tensor Residual, Tensor Gradient) EndPoint(
        Func<Tensor, Tensor> field, BatchKde kde, Tensor xt, long[] shape, Tensor? probe)
    {
        var z = xt.detach().requires_grad_(true);
        using var grad = enable_grad();
        var s = kde.Score(z);
        var u = CheckedField(field, z, shape).sub(s);
        Tensor divergence;
        if (probe is null)
        {
            divergence = ExactDivergence(u, z);
        }
        else
        {
            var v = autograd.grad([u], [z], [probe], retain_graph: true, create_graph: true)[0];
            divergence = v.mul(probe).sum(1);
        }

        var residual = divergence.add(u.mul(s).sum(1), Scalars.One);
        var gradient = autograd.grad([residual.sum()], [z])[0];
        return (residual.detach(), gradient.detach());
    }

    private static Tensor ExactDivergence(Tensor u, Tensor z)
    {
        long dimension = u.shape[1];
        var basis = eye(dimension, dtype: u.dtype, device: u.device);
        Tensor? sum = null;
        for (long d = 0; d < dimension; d++)
        {
            var direction = basis[d].expand(u.shape);
            var v = autograd.grad([u], [z], [direction], retain_graph: true, create_graph: true)[0];
            var term = v.select(1, d);
            sum = sum is null ? term : sum.add(term, Scalars.One);
        }

        return sum!;
    }
}
