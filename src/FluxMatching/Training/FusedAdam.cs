namespace FluxMatching.Training;

using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Adam (Kingma &amp; Ba; the same update as torch.optim.Adam with default betas (0.9, 0.999), eps 1e-8, no weight
/// decay) over one flat buffer: all parameters and their gradients are views of two contiguous tensors, so a step
/// is a handful of native calls instead of several per parameter tensor.
/// </summary>
public sealed class FusedAdam : IDisposable
{
    private readonly Tensor _flatParams, _flatGrads, _m, _v;
    private readonly Scalar _beta1, _beta1c, _beta2, _beta2c;
    private readonly double _beta1Value = 0.9, _beta2Value = 0.999, _eps = 1e-8;
    private int _t;

    /// <summary>Re-homes <paramref name="parameters"/> into one flat buffer (their values are kept).</summary>
    /// <param name="parameters">Parameters of one dtype and device.</param>
    /// <param name="learningRate">Step size.</param>
    public FusedAdam(IReadOnlyList<TorchSharp.Modules.Parameter> parameters, double learningRate)
    {
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
        _beta1 = _beta1Value.ToScalar();
        _beta1c = (1 - _beta1Value).ToScalar();
        _beta2 = _beta2Value.ToScalar();
        _beta2c = (1 - _beta2Value).ToScalar();
    }

    /// <summary>Current learning rate (may be changed between steps, e.g. for warm-up).</summary>
    public double LearningRate { get; set; }

    /// <summary>Zeros all gradients in place (the gradient views stay attached).</summary>
    public void ZeroGrad() => _flatGrads.zero_();

    /// <summary>Applies one Adam update with bias correction.</summary>
    public void Step()
    {
        _t++;
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        _m.mul_(_beta1).add_(_flatGrads, _beta1c);
        _v.mul_(_beta2).addcmul_(_flatGrads, _flatGrads, _beta2c);
        double bc1 = 1 - Math.Pow(_beta1Value, _t), bc2 = 1 - Math.Pow(_beta2Value, _t);
        using var invSqrtBc2 = (1 / Math.Sqrt(bc2)).ToScalar();
        using var eps = _eps.ToScalar();
        using var stepSize = (-LearningRate / bc1).ToScalar();
        var denom = _v.sqrt().mul_(invSqrtBc2).add_(eps);
        _flatParams.addcdiv_(_m, denom, stepSize);
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
