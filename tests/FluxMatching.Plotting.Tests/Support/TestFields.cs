namespace FluxMatching.Plotting.Tests;

using FluxMatching.Data;
using FluxMatching.Fields;

/// <summary>f(x) = A x + b for a 2 × 2 matrix A: rotation (−y, x), identity (x, y), sinks, … on any device/dtype.</summary>
internal sealed class LinearField(double a11, double a12, double a21, double a22, double b1 = 0, double b2 = 0) : IVectorField
{
    public static LinearField Rotation => new(0, -1, 1, 0);
    public static LinearField Identity => new(1, 0, 0, 1);
    public static LinearField Sink => new(-1, 0, 0, -1);

    public int Dimension => 2;
    public bool IsNoiseConditioned => false;
    public int Calls { get; private set; }
    public ScalarType? LastDType { get; private set; }

    public Tensor Evaluate(Tensor x, Tensor? sigma = null)
    {
        Calls++;
        LastDType = x.dtype;
        var a = torch.tensor(new[] { a11, a21, a12, a22 }, [2, 2], x.dtype, x.device);   // A transposed: x Aᵀ
        var b = torch.tensor(new[] { b1, b2 }, x.dtype, x.device);
        return x.matmul(a) + b;
    }
}

/// <summary>A field that scales the rotation by σ and insists on receiving σ.</summary>
internal sealed class SigmaRotation : IVectorField
{
    public int Dimension => 2;
    public bool IsNoiseConditioned => true;
    public double? LastSigma { get; private set; }

    public Tensor Evaluate(Tensor x, Tensor? sigma = null)
    {
        ArgumentNullException.ThrowIfNull(sigma);
        LastSigma = sigma.to(ScalarType.Float64).item<double>();
        return LinearField.Rotation.Evaluate(x) * sigma;
    }
}

/// <summary>A 3-D field (not plottable).</summary>
internal sealed class ThreeDField : IVectorField
{
    public int Dimension => 3;
    public bool IsNoiseConditioned => false;
    public Tensor Evaluate(Tensor x, Tensor? sigma = null) => x;
}

/// <summary>A one-layer TorchSharp module field, to check that plots follow the module's dtype.</summary>
internal sealed class LinearModuleField : TrainableField
{
    private readonly TorchSharp.Modules.Linear lin;

    public LinearModuleField(ScalarType dtype) : base(nameof(LinearModuleField))
    {
        lin = nn.Linear(2, 2, dtype: dtype);
        RegisterComponents();
    }

    public override int Dimension => 2;
    public override bool IsNoiseConditioned => false;
    public ScalarType? LastDType { get; private set; }

    public override Tensor Evaluate(Tensor x, Tensor? sigma = null)
    {
        LastDType = x.dtype;
        return lin.forward(x);
    }
}

/// <summary>
/// The score of a ring density p(x) ∝ N(|x|; r₀, s²)/|x| plus an optional rotation c·(−y, x)/(1 + |x|²): a stand-in for
/// a Flux Matching field (score + divergence-free-ish swirl) and a DSM field (score only).
/// </summary>
internal sealed class RingField(double swirl, double r0 = 2.5, double s = 0.5) : IVectorField
{
    public int Dimension => 2;
    public bool IsNoiseConditioned => false;

    public Tensor Evaluate(Tensor x, Tensor? sigma = null)
    {
        using var scope = torch.NewDisposeScope();
        var r = x.pow(2).sum(1, keepdim: true).add(1e-6).sqrt();
        var radial = (r - r0).div(-s * s) - r.reciprocal();
        var score = x.div(r) * radial;
        var rot = torch.stack([-x[.., 1], x[.., 0]], 1).div(r.pow(2) + 1) * swirl;
        return (score + rot).MoveToOuterDisposeScope();
    }
}

/// <summary>The standard normal density on R².</summary>
internal sealed class StandardNormal : IAnalyticDensity
{
    public Tensor LogDensity(Tensor x) => x.pow(2).sum(1).mul(-0.5) - Math.Log(2 * Math.PI);
    public Tensor Score(Tensor x) => -x;
}
