namespace FluxMatching.Training;

using FluxMatching.Fields;
using FluxMatching.Losses;
using FluxMatching.Models;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// The batch objective of one training step for a model's configuration: fixed-σ or annealed Flux Matching (with the
/// loss normalizer and the optional horizon proposal), or DSM. Draws the batch and every random number from one
/// generator.
/// </summary>
internal sealed class StepObjective
{
    private readonly FluxModel _model;
    private readonly int _batch;
    private readonly Generator _generator;
    private readonly ScalarType _dtype;
    private readonly SigmaSampler _sigmas;
    private readonly FluxMatchingLoss _flux = new();
    private readonly AnnealedFluxLoss _annealed = new();

    public StepObjective(FluxModel model, int batch, Generator generator, ScalarType dtype)
    {
        _model = model;
        _batch = batch;
        _generator = generator;
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
            if (!c.Annealed) return (DsmLoss.EpsilonPlain(FieldCapabilities.FirstOrder(field, null), x, c.Sigma2, generator: _generator).mean(), x);
            var s = _sigmas.Sample(_generator, _model.Device, _dtype);
            double sigma = s.ToDouble();
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
        return (Annealed(field, x), x);
    }

    /// <summary>
    /// The annealed objective exactly as <see cref="AnnealedFluxLoss"/> computes it (same draws, same values), but
    /// through the flux loss's field-aware path so an MLP field gets its closed-form end-point derivatives:
    /// mean_i(ℓ_i/exp(s(σ)) + s(σ)) plus the proposal's REINFORCE term.
    /// </summary>
    private Tensor Annealed(IVectorField field, Tensor x)
    {
        var drawn = _sigmas.Sample(_generator, x.device, x.dtype);
        var sigma = drawn.to(x.dtype, x.device).reshape(Array.Empty<long>());
        double sigmaValue = sigma.to(ScalarType.Float64).ToDouble();
        var flux = _annealed.Flux.ComputeConditioned(field, sigma, x, sigmaValue * sigmaValue, _model.Proposal, null, _generator);
        var raw = flux.PerSample;
        var s = _model.Normalizer?.forward(sigma.reshape(1));
        var normalized = s is null ? raw : raw.div(s.exp());
        var total = s is null ? normalized.mean() : normalized.mean().add(s.squeeze());
        if (_model.Proposal is not null)
        {
            var target = normalized.mean().detach();
            total = total.add(_model.Proposal.ReinforceLoss(flux.T.expand(raw.shape[0]), sigma.reshape(1), target).mean());
        }

        return total;
    }
}
