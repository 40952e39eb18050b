namespace FluxMatching.Data;

using FluxMatching.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// The 2-D ring of the authors' notebooks: θ ~ U[0, 2π), r = radius + width·N(0, 1), x = (r cos θ, r sin θ).
/// Draw order (kept for seed parity with the reference notebooks): all n angles first (<c>rand(n)</c>), then all n
/// radial normals (<c>randn(n)</c>), both in the requested dtype.
/// </summary>
public sealed class RingDataset : IDataSource
{
    // Cached Scalars: Sample runs once per training step (cache or dispose Scalars in hot loops: each one holds a native handle).
    private readonly Scalar twoPi = (2 * Math.PI).ToScalar();
    private readonly Scalar radiusScalar;
    private readonly Scalar widthScalar;

    /// <summary>Creates the ring.</summary>
    /// <param name="radius">Mean radius (default 2.5), finite and &gt; 0.</param>
    /// <param name="width">Standard deviation of the radius (default 0.5), finite and ≥ 0.</param>
    public RingDataset(double radius = 2.5, double width = 0.5)
    {
        if (!double.IsFinite(radius) || radius <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(radius), radius, "The ring radius must be finite and > 0.");
        }

        if (!double.IsFinite(width) || width < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(width), width, "The ring width must be finite and ≥ 0.");
        }

        Radius = radius;
        Width = width;
        radiusScalar = radius.ToScalar();
        widthScalar = width.ToScalar();
    }

    /// <inheritdoc />
    public string Name => "ring";

    /// <inheritdoc />
    public int Dimension => 2;

    /// <summary>Mean radius.</summary>
    public double Radius { get; }

    /// <summary>Standard deviation of the radius.</summary>
    public double Width { get; }

    /// <inheritdoc />
    public Tensor Sample(int n, Generator? generator = null, Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        var dev = RandomDraws.ValidateSampleArguments(n, device, dtype);
        using var scope = torch.NewDisposeScope();
        var uniform = RandomDraws.Rand([n], dtype, dev, generator);
        var normal = RandomDraws.Randn([n], dtype, dev, generator);
        if (TensorMemory.IsDirect<float>(uniform) && TensorMemory.IsDirect<float>(normal))
        {
            return Polar(uniform, normal).MoveToOuterDisposeScope();   // one pass instead of eight tensor operations
        }

        var theta = uniform.mul(twoPi);
        var r = normal.mul(widthScalar).add(radiusScalar, Scalars.One);
        return torch.stack([r.mul(theta.cos()), r.mul(theta.sin())], 1).MoveToOuterDisposeScope();
    }

    /// <summary>The points r(cos θ, sin θ) [n, 2] with θ = 2πu and r = radius + width·g, in float32 on the CPU: the same
    /// arithmetic as the tensor expression (up to the last bit of cos and sin).</summary>
    private unsafe Tensor Polar(Tensor uniform, Tensor normal)
    {
        long n = uniform.size(0);
        var points = empty([n, 2], ScalarType.Float32, uniform.device);
        float* u = TensorMemory.Pointer<float>(uniform), g = TensorMemory.Pointer<float>(normal);
        float* p = TensorMemory.Pointer<float>(points);
        float twoPiF = (float)(2 * Math.PI), widthF = (float)Width, radiusF = (float)Radius;
        for (long i = 0; i < n; i++)
        {
            float r = (g[i] * widthF) + radiusF;
            var (sin, cos) = MathF.SinCos(u[i] * twoPiF);
            p[2 * i] = r * cos;
            p[(2 * i) + 1] = r * sin;
        }

        return points;
    }
}
