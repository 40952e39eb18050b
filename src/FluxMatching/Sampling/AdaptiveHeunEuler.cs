namespace FluxMatching.Sampling;

using FluxMatching.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>The outcome of <see cref="AdaptiveHeunEuler.Integrate"/>: the end state, evaluations and step counts.</summary>
internal sealed record AdaptiveSolution(Tensor State, int Evaluations, int Accepted, int Rejected);

/// <summary>
/// The embedded Heun–Euler pair (torchdiffeq's <c>adaptive_heun</c>, the authors' exp3 ODE sampler and likelihood) for
/// dy/dt = F(t, y) from t₀ to t₁ (either direction): k₁ = F(t, y), k₂ = F(t + h, y + h k₁), y' = y + h(k₁ + k₂)/2, with
/// the local error of Euler, e = h(k₁ − k₂)/2. The step is accepted when the error ratio
/// ‖e / (atol + rtol·max(|y|, |y'|))‖ ≤ 1 (RMS norm, or the caller's), and the next step is
/// h·min(10, max(0.2, 0.9·ratio^(−1/2))), never smaller than h after an accepted step (torchdiffeq's controller); the first step follows Hairer,
/// Nørsett &amp; Wanner's selection (one extra evaluation). F is evaluated once per trial step plus once per accepted
/// point. The error ratio is read on the host once per step; on libtorch's shape-only <c>meta</c> device, where no value
/// can be read, every step is accepted and grows tenfold (a dry run of the same tensor operations).
/// </summary>
internal static class AdaptiveHeunEuler
{
    private const double Safety = 0.9;
    private const double MaxGrowth = 10.0;
    private const double MaxShrink = 0.2;
    private const double Order = 2.0;

    /// <summary>Integrates; every tensor F returns lives in a per-step dispose scope.</summary>
    /// <param name="derivative">F(t, y) → a tensor shaped like y.</param>
    /// <param name="initial">y(t₀) (not modified).</param>
    /// <param name="start">t₀.</param>
    /// <param name="end">t₁ ≠ t₀.</param>
    /// <param name="rtol">Relative tolerance.</param>
    /// <param name="atol">Absolute tolerance.</param>
    /// <param name="maxSteps">Most trial steps before giving up.</param>
    /// <param name="errorNorm">The norm of a scaled error (null: RMS over all elements); returns a 0-d tensor.</param>
    /// <param name="observe">Called with (accepted steps, state, is last) after the start and every accepted step.</param>
    public static AdaptiveSolution Integrate(Func<double, Tensor, Tensor> derivative, Tensor initial, double start,
        double end, double rtol, double atol, int maxSteps, Func<Tensor, Tensor>? errorNorm = null,
        Action<int, Tensor, bool>? observe = null)
    {
        errorNorm ??= Rms;
        double direction = Math.Sign(end - start), t = start;
        int evaluations = 0, accepted = 0, rejected = 0;
        var y = initial.detach().clone();
        observe?.Invoke(0, y, false);
        var slope = derivative(t, y);
        evaluations++;
        double h = InitialStep(derivative, y, slope, t, direction, rtol, atol, errorNorm, ref evaluations);
        while (direction * (end - t) > 0)
        {
            if (accepted + rejected >= maxSteps)
            {
                throw new InvalidOperationException(
                    $"The adaptive ODE solver took {maxSteps} steps (options.MaxSteps) and reached t = {t} of {end}; raise MaxSteps or loosen rtol/atol.");
            }

            h = Math.Min(h, Math.Abs(end - t));
            bool lands = h >= Math.Abs(end - t);
            double tNext = lands ? end : t + (direction * h);
            Tensor candidate;
            double ratio;
            using (var trial = NewDisposeScope())
            {
                using var step = (tNext - t).ToScalar();
                using var halfStep = (0.5 * (tNext - t)).ToScalar();
                var predictor = y.add(slope, step);
                var corrector = derivative(tNext, predictor);
                evaluations++;
                candidate = y.add(slope.add(corrector, Scalars.One), halfStep);
                var error = slope.sub(corrector).mul_(halfStep);
                using var rtolScalar = rtol.ToScalar();
                using var atolScalar = atol.ToScalar();
                // max(|y|, |y'|) as √max(y², y'²): libtorch's meta device has no abs kernel.
                var scale = torch.maximum(y.pow(Scalars.Two), candidate.pow(Scalars.Two)).sqrt_().mul_(rtolScalar).add_(atolScalar, Scalars.One);
                ratio = Read(errorNorm(error.div_(scale)));
                candidate.MoveToOuterDisposeScope();
            }

            if (ratio <= 1.0)
            {
                y.Dispose();
                slope.Dispose();
                y = candidate;
                t = tNext;
                accepted++;
                bool done = lands;
                observe?.Invoke(accepted, y, done);
                if (done)
                {
                    return new AdaptiveSolution(y, evaluations, accepted, rejected);
                }

                slope = derivative(t, y);
                evaluations++;
            }
            else
            {
                candidate.Dispose();
                rejected++;
            }

            h = NextStep(h, ratio);
        }

        slope.Dispose();
        return new AdaptiveSolution(y, evaluations, accepted, rejected);
    }

    /// <summary>RMS of all elements (0-d).</summary>
    public static Tensor Rms(Tensor t) => t.pow(Scalars.Two).mean().sqrt();

    /// <summary>The host value of a 0-d tensor; 0 on the shape-only meta device.</summary>
    private static double Read(Tensor value) =>
        value.device_type == DeviceType.META ? 0.0 : value.to(ScalarType.Float64).item<double>();

    private static double NextStep(double tried, double ratio)
    {
        if (ratio == 0)
        {
            return tried * MaxGrowth;
        }

        double factor = Safety * Math.Pow(ratio, -1.0 / Order);
        factor = ratio < 1 ? Math.Min(MaxGrowth, Math.Max(1.0, factor)) : Math.Max(MaxShrink, factor);
        return tried * factor;
    }

    /// <summary>Hairer, Nørsett &amp; Wanner (II.4): h₀ = 0.01·‖y/s‖/‖F/s‖, one Euler trial step, then
    /// h = min(100 h₀, (0.01/max(d₁, d₂))^(1/(order + 1))).</summary>
    private static double InitialStep(Func<double, Tensor, Tensor> derivative, Tensor y, Tensor slope, double t,
        double direction, double rtol, double atol, Func<Tensor, Tensor> errorNorm, ref int evaluations)
    {
        using var scope = NewDisposeScope();
        using var rtolScalar = rtol.ToScalar();
        using var atolScalar = atol.ToScalar();
        var scale = y.pow(Scalars.Two).sqrt_().mul_(rtolScalar).add_(atolScalar, Scalars.One);
        double d0 = Read(errorNorm(y.div(scale))), d1 = Read(errorNorm(slope.div(scale)));
        double h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * d0 / d1;
        using var trialStep = (direction * h0).ToScalar();
        var trial = derivative(t + (direction * h0), y.add(slope, trialStep));
        evaluations++;
        double d2 = Read(errorNorm(trial.sub(slope).div_(scale))) / h0;
        double h1 = d1 <= 1e-15 && d2 <= 1e-15 ? Math.Max(1e-6, h0 * 1e-3) : Math.Pow(0.01 / Math.Max(d1, d2), 1.0 / (Order + 1));
        return Math.Min(100 * h0, h1);
    }
}
