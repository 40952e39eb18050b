namespace FluxMatching.Training;

using FluxMatching.Losses;
using FluxMatching.Models;
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
    private readonly FluxLossOptions _options = new();

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
            double sigma = _sigmas.Sample(_generator);
            if (!c.Annealed) return (DsmLoss.Epsilon(z => field.Evaluate(z), x, sigma * sigma, _generator).mean(), x);
            var s = tensor(sigma, _dtype, _model.Device);
            // σ²-weighted ε-DSM of the σ-conditioned field (λ(σ) = σ², the usual annealed weighting).
            return ((sigma * sigma) * DsmLoss.Epsilon(z => field.Evaluate(z, s), x, sigma * sigma, _generator).mean(), x);
        }
        if (!c.Annealed)
        {
            var r = FluxMatchingLoss.Compute(z => field.Evaluate(z), x, c.Sigma2, _options, generator: _generator, proposal: _model.Proposal);
            var objective = r.PerSample.mean();
            if (_model.Proposal is not null)
            {
                var sigmaT = tensor(Math.Sqrt(c.Sigma2), _dtype, _model.Device);
                objective = objective + _model.Proposal.ReinforceLoss(r.T.expand(_batch), sigmaT, objective.detach()).mean();
            }
            return (objective, x);
        }
        var annealed = AnnealedFluxLoss.Compute(field, x, _sigmas, _model.Normalizer!, _options, _generator, _model.Proposal);
        return (annealed.Objective, x);
    }
}
