namespace FluxMatching.Models;

using FluxMatching.Losses;
using FluxMatching.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Starts an annealed flux model's loss normalizer s(σ) where it would converge for the current field
/// (<see cref="FluxModelConfig.CalibrateNormalizer"/>): the raw flux loss ℓ is measured on one batch at
/// <see cref="Levels"/> quantiles of the σ distribution, and s is set to the least-squares line through
/// (ln σ_k, ln mean ℓ_k), because ℓ/e^s + s is smallest at s = ln E[ℓ | σ].
/// </summary>
public static class NormalizerCalibration
{
    /// <summary>Number of σ levels measured: the quantiles (k + ½)/8 of the training σ distribution.</summary>
    public const int Levels = 8;

    /// <summary>Seed of the calibration batch and its draws. Fixed, so that every rank of a data-parallel job (each
    /// with its own data seed) computes the same normalizer.</summary>
    public const ulong Seed = 0xCA11B8A7E;

    /// <summary>Measures the raw flux loss at the σ levels and sets the model's normalizer to the fitted line.</summary>
    /// <param name="model">An annealed flux model with a normalizer.</param>
    /// <param name="batch">Batch size of the measurement (the training batch: it is also the flux loss's kernel set), ≥ 2.</param>
    /// <param name="dtype">Element type of the batch (the parameters' type).</param>
    /// <returns>The fitted line s(σ) = a + b·ln σ, or null when no level had a positive mean loss (the normalizer is
    /// then left as it was).</returns>
    public static (double Intercept, double Slope)? Calibrate(FluxModel model, int batch, ScalarType dtype = ScalarType.Float32)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Normalizer is null || !model.Config.Annealed || model.Config.Loss != LossKind.Flux)
        {
            throw new ArgumentException("the model has no loss normalizer to calibrate (it needs annealed flux training).", nameof(model));
        }

        if (batch < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(batch), batch, "batch must be at least 2 (the flux loss's kernel set).");
        }

        var sigmas = model.Config.CreateSigmaSampler();
        var loss = new AnnealedFluxLoss();
        var generator = new Generator(Seed, model.Device);
        var logSigma = new List<double>();
        var logLoss = new List<double>();
        using (var scope = NewDisposeScope())
        {
            var x = model.Data.Sample(batch, generator, model.Device, dtype);
            for (int k = 0; k < Levels; k++)
            {
                using var step = NewDisposeScope();
                double sigma = sigmas.Quantile((k + 0.5) / Levels);
                var s = tensor(sigma, dtype, model.Device);
                var r = loss.Compute(model.Field, x, s, proposal: model.Proposal, generator: generator);
                double mean = r.Raw.detach().mean().ItemAsDouble();
                if (mean > 0 && double.IsFinite(mean))
                {
                    logSigma.Add(Math.Log(sigma));
                    logLoss.Add(Math.Log(mean));
                }
            }
        }

        if (logSigma.Count == 0)
        {
            return null;
        }

        var line = LossNormalizer.FitAffine(logSigma, logLoss);
        model.Normalizer.SetAffine(line.Intercept, line.Slope);
        return line;
    }
}
