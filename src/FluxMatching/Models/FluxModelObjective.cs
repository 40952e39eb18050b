namespace FluxMatching.Models;

using FluxMatching.Fields;
using FluxMatching.Losses;
using FluxMatching.Training;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// The batch objective of one training step for a model's configuration: fixed-σ Flux Matching
/// (<see cref="FluxMatchingLoss"/>, with the optional horizon proposal), annealed Flux Matching
/// (<see cref="AnnealedFluxLoss"/>, with the loss normalizer and the optional proposal), or DSM. Draws the batch and
/// every random number from one generator. On a device other than the CPU the host number of a step, σ of annealed
/// training (the KDE bandwidth), comes from a second, CPU generator, so reading it costs no device synchronization (on
/// the CPU it comes from the one generator, in the reference order).
/// </summary>
internal sealed class FluxModelObjective : ITrainingObjective
{
    private readonly FluxModel _model;
    private readonly int _batch;
    private readonly Generator _generator;
    private readonly Generator? _host;
    private readonly ScalarType _dtype;
    private readonly SigmaSampler _sigmas;
    private readonly FluxMatchingLoss _flux = new();
    private readonly AnnealedFluxLoss _annealed = new();

    public FluxModelObjective(FluxModel model, int batch, Generator generator, ScalarType dtype)
    {
        _model = model;
        _batch = batch;
        _generator = generator;
        _host = model.Device.type == DeviceType.CPU ? null : new Generator((ulong)generator.initial_seed() + 1, CPU);
        _dtype = dtype;
        var c = model.Config;
        _sigmas = c.Annealed ? SigmaSampler.LogUniform(c.SigmaMin, c.SigmaMax) : SigmaSampler.Fixed(Math.Sqrt(c.Sigma2));
    }

    /// <summary>Draws a batch and returns the 0-d objective (graph attached) and the clean batch [B, D].</summary>
    public (Tensor Objective, Tensor Batch) Compute()
    {
        var x = _model.Data.Sample(_batch, _generator, _model.Device, _dtype);
        var c = _model.Config;
        var field = _model.Field;
        if (c.Loss == LossKind.Dsm)
        {
            // DSM differentiates the field once: a field's first-order node where it has one.
            if (!c.Annealed)
            {
                return (DsmLoss.EpsilonPlain(FieldCapabilities.FirstOrder(field, null), x, c.Sigma2, generator: _generator).mean(), x);
            }

            var s = HostSigma();
            double sigma = s.to(ScalarType.Float64).ToDouble();
            // σ²-weighted ε-DSM of the σ-conditioned field (λ(σ) = σ², the usual annealed weighting).
            using var weight = (sigma * sigma).ToScalar();
            return (DsmLoss.EpsilonPlain(FieldCapabilities.FirstOrder(field, s), x, sigma * sigma, generator: _generator).mean().mul(weight), x);
        }

        if (!c.Annealed)
        {
            var r = _flux.Compute(field, x, c.Sigma2, _model.Proposal, generator: _generator);
            var objective = r.PerSample.mean();
            if (_model.Proposal is not null)
            {
                var sigmaT = tensor(Math.Sqrt(c.Sigma2), _dtype, _model.Device);
                objective = objective + _model.Proposal.ReinforceLoss(r.T.expand(_batch), sigmaT, objective.detach()).mean();
            }

            return (objective, x);
        }

        // mean_i(ℓ_i/exp(s(σ)) + s(σ)) plus the proposal's REINFORCE term (paper §3.1, §3.5).
        var annealed = _host is null
            ? _annealed.Compute(field, x, _sigmas, _model.Normalizer, _model.Proposal, generator: _generator)
            : _annealed.Compute(field, x, HostSigma(), _model.Normalizer, _model.Proposal, generator: _generator);
        return (annealed.Total.mean(), x);
    }

    /// <summary>σ of the step: on the CPU from the one generator (in x's dtype); elsewhere a float64 CPU draw.</summary>
    private Tensor HostSigma() => _host is null
        ? _sigmas.Sample(_generator, _model.Device, _dtype)
        : _sigmas.Sample(_host, CPU, ScalarType.Float64);

}
