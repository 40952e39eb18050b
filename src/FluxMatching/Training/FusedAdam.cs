namespace FluxMatching.Training;

using System.Numerics;
using FluxMatching.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Adam (Kingma &amp; Ba; the same update as torch.optim.Adam with default betas (0.9, 0.999), eps 1e-8, no weight
/// decay) over one flat buffer: all parameters and their gradients are views of two contiguous tensors. On the CPU a
/// step is one SIMD pass over (g, m, v, θ) that also applies an optional gradient scale (clipping) and clears the
/// gradient for the next backward; elsewhere it is a handful of tensor operations.
/// <code>m ← β₁m + (1−β₁)g   v ← β₂v + (1−β₂)g²   θ ← θ − (lr/(1−β₁ᵗ))·m / (√v/√(1−β₂ᵗ) + ε)</code>
/// </summary>
public sealed class FusedAdam : IDisposable
{
    private const double Beta1 = 0.9, Beta2 = 0.999, Eps = 1e-8;
    private readonly Tensor _flatParams, _flatGrads, _m, _v;
    private readonly Scalar _beta1, _beta1c, _beta2, _beta2c;
    private readonly bool _direct;
    private int _t;

    /// <summary>Re-homes <paramref name="parameters"/> into one flat buffer (their values are kept).</summary>
    /// <param name="parameters">Parameters of one dtype and device.</param>
    /// <param name="learningRate">Step size.</param>
    public FusedAdam(IReadOnlyList<TorchSharp.Modules.Parameter> parameters, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.Count == 0) throw new ArgumentException("FusedAdam needs at least one parameter.", nameof(parameters));
        LearningRate = learningRate;
        var first = parameters[0];
        long total = parameters.Sum(p => p.numel());
        _flatParams = torch.empty(total, first.dtype, first.device);
        _flatGrads = torch.zeros(total, first.dtype, first.device);
        using (torch.no_grad())
        {
            long offset = 0;
            foreach (var p in parameters)
            {
                long n = p.numel();
                var pv = _flatParams.narrow(0, offset, n).view(p.shape);
                pv.copy_(p);
                p.set_(pv);
                p.grad = _flatGrads.narrow(0, offset, n).view(p.shape);
                offset += n;
            }
        }
        _m = torch.zeros_like(_flatParams);
        _v = torch.zeros_like(_flatParams);
        _beta1 = Beta1.ToScalar();
        _beta1c = (1 - Beta1).ToScalar();
        _beta2 = Beta2.ToScalar();
        _beta2c = (1 - Beta2).ToScalar();
        _direct = TensorMemory.IsDirect<float>(_flatParams) || TensorMemory.IsDirect<double>(_flatParams);
    }

    /// <summary>Current learning rate (may be changed between steps, e.g. for warm-up).</summary>
    public double LearningRate { get; set; }

    /// <summary>All gradients as one flat tensor [P] (a view shared with every parameter's .grad).</summary>
    public Tensor Gradients => _flatGrads;

    /// <summary>Updates taken (t of the bias correction).</summary>
    public int StepCount
    {
        get => _t;
        internal set => _t = value;
    }

    /// <summary>The first moment m [P] (flat, the parameters' dtype and device).</summary>
    public Tensor FirstMoment => _m;

    /// <summary>The second moment v [P] (flat).</summary>
    public Tensor SecondMoment => _v;

    /// <summary>Zeros all gradients in place (the gradient views stay attached).</summary>
    public void ZeroGrad() => _flatGrads.zero_();

    /// <summary>The global gradient norm ‖g‖₂ (accumulated in float64 on the CPU).</summary>
    public double GradientNorm()
    {
        if (!_direct)
        {
            using var scope = torch.NewDisposeScope();
            return _flatGrads.to(ScalarType.Float64).norm().ToDouble();
        }

        return _flatGrads.dtype == ScalarType.Float32 ? FusedAdamKernel.Norm<float>(_flatGrads) : FusedAdamKernel.Norm<double>(_flatGrads);
    }

    /// <summary>Applies one Adam update with bias correction to the gradients times <paramref name="gradientScale"/>
    /// (e.g. a clipping factor), then clears the gradients when <paramref name="clearGradients"/> is set.</summary>
    /// <param name="gradientScale">Factor applied to every gradient before the update (1: none).</param>
    /// <param name="clearGradients">Zero the gradients afterwards (saves a separate <see cref="ZeroGrad"/>).</param>
    public void Step(double gradientScale = 1.0, bool clearGradients = false)
    {
        _t++;
        double bc1 = 1 - Math.Pow(Beta1, _t), bc2 = 1 - Math.Pow(Beta2, _t);
        var coefficients = new AdamCoefficients(Beta1, Beta2, Eps, -LearningRate / bc1, 1 / Math.Sqrt(bc2), gradientScale);
        if (_direct)
        {
            if (_flatParams.dtype == ScalarType.Float32)
            {
                FusedAdamKernel.Step<float>(_flatParams, _flatGrads, _m, _v, coefficients, clearGradients);
            }
            else
            {
                FusedAdamKernel.Step<double>(_flatParams, _flatGrads, _m, _v, coefficients, clearGradients);
            }

            return;
        }

        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        using var scale = gradientScale.ToScalar();
        if (gradientScale != 1.0) _flatGrads.mul_(scale);
        _m.mul_(_beta1).add_(_flatGrads, _beta1c);
        _v.mul_(_beta2).addcmul_(_flatGrads, _flatGrads, _beta2c);
        using var invSqrtBc2 = coefficients.InverseSqrtBias2.ToScalar();
        using var eps = Eps.ToScalar();
        using var stepSize = coefficients.StepSize.ToScalar();
        var denom = _v.sqrt().mul_(invSqrtBc2).add_(eps);
        _flatParams.addcdiv_(_m, denom, stepSize);
        if (clearGradients) _flatGrads.zero_();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _m.Dispose();
        _v.Dispose();
        _beta1c.Dispose();
        _beta2.Dispose();
        _beta2c.Dispose();
        _beta1.Dispose();
    }
}

/// <summary>The per-step constants of <see cref="FusedAdam"/>.</summary>
/// <param name="Beta1">β₁.</param>
/// <param name="Beta2">β₂.</param>
/// <param name="Eps">ε.</param>
/// <param name="StepSize">−lr/(1 − β₁ᵗ).</param>
/// <param name="InverseSqrtBias2">1/√(1 − β₂ᵗ).</param>
/// <param name="GradientScale">Factor applied to the gradients.</param>
internal readonly record struct AdamCoefficients(double Beta1, double Beta2, double Eps, double StepSize,
    double InverseSqrtBias2, double GradientScale);
