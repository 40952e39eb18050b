namespace FluxMatching.Models;

using FluxMatching.Fields;
using FluxMatching.Losses;
using FluxMatching.Runtime;
using FluxMatching.Training;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// The batch objective of one training step for a model's configuration: fixed-σ Flux Matching
/// (<see cref="FluxMatchingLoss"/>, with the optional horizon proposal), annealed Flux Matching
/// (<see cref="AnnealedFluxLoss"/>, with the loss normalizer and the optional proposal), or DSM. Draws the batch and
/// every random number from one generator. On a device other than the CPU the host number of a step, σ of annealed
/// training (the KDE bandwidth), comes from a second, CPU generator, so reading it costs no device synchronization (on
/// the CPU it comes from the one generator, in the reference order). The mixing term draws from a generator of its
/// own, so the batches and the flux loss's draws are the same with and without it (a paired control).
/// </summary>
internal sealed class FluxModelObjective : ITrainingObjective
{
    private readonly FluxModel model;
    private readonly int batch;
    private readonly Generator generator;
    private readonly Generator? host;
    private readonly ScalarType dtype;
    private readonly SigmaSampler sigmas;
    private readonly FluxMatchingLoss flux = new();
    private readonly AnnealedFluxLoss annealed = new();
    private readonly MixingRegularizer? mixing;
    private readonly Generator? mixingDraws;

    public FluxModelObjective(FluxModel model, int batch, Generator generator, ScalarType dtype)
    {
        this.model = model;
        this.batch = batch;
        this.generator = generator;
        this.host = model.Device.type == DeviceType.CPU ? null : new Generator((ulong)generator.initial_seed() + 1, CPU);
        this.dtype = dtype;
        var c = model.Config;
        sigmas = c.Annealed ? c.CreateSigmaSampler() : SigmaSampler.Fixed(Math.Sqrt(c.Sigma2));
        mixing = model.MixingNormalizer is null ? null : new MixingRegularizer(new MixingRegularizerOptions { Drive = c.MixingDrive });
        mixingDraws = mixing is null ? null : new Generator((ulong)generator.initial_seed() + 2, model.Device);
        Generators = new[] { generator, host, mixingDraws }.OfType<Generator>().ToArray();
    }

    /// <inheritdoc />
    public IReadOnlyList<Generator> Generators { get; }

    /// <summary>Draws a batch and returns the 0-d objective (graph attached) and the clean batch [B, D].</summary>
    public (Tensor Objective, Tensor Batch) Compute()
    {
        var x = this.model.Data.Sample(this.batch, this.generator, this.model.Device, this.dtype);
        var c = this.model.Config;
        var field = this.model.Field;
        if (c.Loss is LossKind.DsmX0 or LossKind.Edm)
        {
            return (DenoisingObjective(x), x);
        }

        if (c.Loss == LossKind.Dsm)
        {
            // DSM differentiates the field once: a field's fused squared-residual node where it has one.
            if (!c.Annealed)
            {
                return (DsmLoss.EpsilonPlainMean(field, x, c.Sigma2, generator: this.generator), x);
            }

            var s = HostSigma();
            double sigma = s.to(ScalarType.Float64).ItemAsDouble();
            // σ²-weighted ε-DSM of the σ-conditioned field (λ(σ) = σ², the usual annealed weighting).
            using var weight = (sigma * sigma).ToScalar();
            return (DsmLoss.EpsilonPlainMean(field, x, sigma * sigma, s, generator: this.generator).mul(weight), x);
        }

        if (!c.Annealed)
        {
            var r = flux.Compute(field, x, c.Sigma2, this.model.Proposal, generator: this.generator);
            var objective = r.PerSample.mean();
            if (this.model.Proposal is not null)
            {
                var sigmaT = tensor(Math.Sqrt(c.Sigma2), this.dtype, this.model.Device);
                objective = objective.add(this.model.Proposal.ReinforceLoss(r.T.expand(this.batch), sigmaT, objective.detach()).mean(), Scalars.One);
            }

            return (WithMixing(objective, x, Math.Sqrt(c.Sigma2)), x);
        }

        // mean_i(ℓ_i/exp(s(σ)) + s(σ)) plus the proposal's REINFORCE term (paper §3.1, §3.5).
        var annealed = this.host is null
            ? this.annealed.Compute(field, x, sigmas, this.model.Normalizer, this.model.Proposal, generator: this.generator)
            : this.annealed.Compute(field, x, HostSigma(), this.model.Normalizer, this.model.Proposal, generator: this.generator);
        // σ of the step is a CPU tensor on both paths (the one generator's draw on the CPU, the host draw elsewhere).
        return (WithMixing(annealed.Total.mean(), x, annealed.Sigma.to(ScalarType.Float64).ItemAsDouble()), x);
    }

    /// <summary>Adds exp4's Mixing·(L_mix / e^{m(σ)} + m(σ)) when the model has the mixing term (its draws from its
    /// own generator).</summary>
    private Tensor WithMixing(Tensor objective, Tensor x, double sigma)
    {
        if (this.mixing is null || this.model.MixingNormalizer is null)
        {
            return objective;
        }

        var r = this.mixing.Compute(this.model.Field, x, sigma, this.mixingDraws);
        var s = tensor(sigma, this.dtype, this.model.Device);
        return objective.add(MixingRegularizer.Normalized(r.Loss, this.model.MixingNormalizer, s, this.model.Config.Mixing), Scalars.One);
    }

    /// <summary>
    /// The x0-form baselines of exp3 on the denoiser D(z; σ) (<see cref="FieldCapabilities.Denoiser"/>): the authors'
    /// <c>dsm_loss_x0</c> (batch-KDE posterior-mean target; one σ per batch, or per sample) or the standard EDM loss
    /// (clean target, one σ per sample); both with the EDM weight λ(σ) = (σ² + σ_d²)/(σσ_d)².
    /// </summary>
    private Tensor DenoisingObjective(Tensor x)
    {
        var c = this.model.Config;
        var denoiser = FieldCapabilities.Denoiser(this.model.Field);
        if (c.Loss == LossKind.Edm || c.PerSampleSigma)
        {
            var s = sigmas.SampleBatch(this.batch, perSample: true, this.generator, this.model.Device, this.dtype);
            return c.Loss == LossKind.Edm
                ? EdmLoss.Compute(z => denoiser(z, s), x, s, c.SigmaData, generator: this.generator).mean()
                : DsmLoss.X0KdePerSample(z => denoiser(z, s), x, s, c.SigmaData, generator: this.generator).mean();
        }

        var one = HostSigma();
        double sigma = one.to(ScalarType.Float64).ItemAsDouble();
        var column = one.to(this.dtype, this.model.Device).reshape(1).expand(this.batch);
        return DsmLoss.X0Kde(z => denoiser(z, column), x, sigma * sigma, c.SigmaData, generator: this.generator).mean();
    }

    /// <summary>σ of the step: on the CPU from the one generator (in x's dtype); elsewhere a float64 CPU draw.</summary>
    private Tensor HostSigma() => this.host is null
        ? sigmas.Sample(this.generator, this.model.Device, this.dtype)
        : sigmas.Sample(this.host, CPU, ScalarType.Float64);

}
