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
    private readonly Tensor flatParams, flatGrads, m, v;
    private readonly Scalar beta1, beta1c, beta2, beta2c;
    private readonly bool direct;
    private int t;

    /// <summary>Re-homes <paramref name="parameters"/> into one flat buffer (their values are kept).</summary>
    /// <param name="parameters">Parameters of one dtype and device.</param>
    /// <param name="learningRate">Step size.</param>
    public FusedAdam(IReadOnlyList<TorchSharp.Modules.Parameter> parameters, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.Count == 0)
        {
            throw new ArgumentException("FusedAdam needs at least one parameter.", nameof(parameters));
        }

        LearningRate = learningRate;
        var first = parameters[0];
        long total = parameters.Sum(p => p.numel());
        flatParams = torch.empty(total, first.dtype, first.device);
        flatGrads = torch.zeros(total, first.dtype, first.device);
        using (torch.no_grad())
        {
            long offset = 0;
            foreach (var p in parameters)
            {
                long n = p.numel();
                var pv = flatParams.narrow(0, offset, n).view(p.shape);
                pv.copy_(p);
                p.set_(pv);
                p.grad = flatGrads.narrow(0, offset, n).view(p.shape);
                offset += n;
            }
        }
        this.m = torch.zeros_like(flatParams);
        this.v = torch.zeros_like(flatParams);
        beta1 = Beta1.ToScalar();
        beta1c = (1 - Beta1).ToScalar();
        beta2 = Beta2.ToScalar();
        beta2c = (1 - Beta2).ToScalar();
        direct = TensorMemory.IsDirect<float>(flatParams) || TensorMemory.IsDirect<double>(flatParams);
    }

    /// <summary>Current learning rate (may be changed between steps, e.g. for warm-up).</summary>
    public double LearningRate { get; set; }

    /// <summary>All gradients as one flat tensor [P] (a view shared with every parameter's .grad).</summary>
    public Tensor Gradients => flatGrads;

    /// <summary>Updates taken (t of the bias correction).</summary>
    public int StepCount
    {
        get => this.t;
        internal set => this.t = value;
    }

    /// <summary>The first moment m [P] (flat, the parameters' dtype and device).</summary>
    public Tensor FirstMoment => this.m;

    /// <summary>The second moment v [P] (flat).</summary>
    public Tensor SecondMoment => this.v;

    /// <summary>Zeros all gradients in place (the gradient views stay attached).</summary>
    public void ZeroGrad() => flatGrads.zero_();

    /// <summary>The global gradient norm ‖g‖₂ (accumulated in float64 on the CPU).</summary>
    public double GradientNorm()
    {
        if (!direct)
        {
            using var scope = torch.NewDisposeScope();
            return flatGrads.to(ScalarType.Float64).norm().ItemAsDouble();
        }

        return flatGrads.dtype == ScalarType.Float32 ? FusedAdamKernel.Norm<float>(flatGrads) : FusedAdamKernel.Norm<double>(flatGrads);
    }

    /// <summary>Applies one Adam update with bias correction to the gradients times <paramref name="gradientScale"/>
    /// (e.g. a clipping factor), then clears the gradients when <paramref name="clearGradients"/> is set.</summary>
    /// <param name="gradientScale">Factor applied to every gradient before the update (1: none).</param>
    /// <param name="clearGradients">Zero the gradients afterwards (saves a separate <see cref="ZeroGrad"/>).</param>
    public void Step(double gradientScale = 1.0, bool clearGradients = false)
    {
        this.t++;
        double bc1 = 1 - Math.Pow(Beta1, this.t), bc2 = 1 - Math.Pow(Beta2, this.t);
        var coefficients = new AdamCoefficients(Beta1, Beta2, Eps, -LearningRate / bc1, 1 / Math.Sqrt(bc2), gradientScale);
        if (direct)
        {
            if (flatParams.dtype == ScalarType.Float32)
            {
                FusedAdamKernel.Step<float>(flatParams, flatGrads, this.m, this.v, coefficients, clearGradients);
            }
            else
            {
                FusedAdamKernel.Step<double>(flatParams, flatGrads, this.m, this.v, coefficients, clearGradients);
            }

            return;
        }

        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        using var scale = gradientScale.ToScalar();
        if (gradientScale != 1.0)
        {
            flatGrads.mul_(scale);
        }

        this.m.mul_(beta1).add_(flatGrads, beta1c);
        this.v.mul_(beta2).addcmul_(flatGrads, flatGrads, beta2c);
        using var invSqrtBc2 = coefficients.InverseSqrtBias2.ToScalar();
        using var eps = Eps.ToScalar();
        using var stepSize = coefficients.StepSize.ToScalar();
        var denom = this.v.sqrt().mul_(invSqrtBc2).add_(eps, Scalars.One);
        flatParams.addcdiv_(this.m, denom, stepSize);
        if (clearGradients)
        {
            flatGrads.zero_();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        this.m.Dispose();
        this.v.Dispose();
        beta1c.Dispose();
        beta2.Dispose();
        beta2c.Dispose();
        beta1.Dispose();
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
