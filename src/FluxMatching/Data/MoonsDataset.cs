namespace FluxMatching.Data;

using FluxMatching.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Two interleaving half-circles ("moons", as scikit-learn's <c>make_moons</c>), scaled to about ±4:
/// in unit coordinates the upper moon is (cos θ, sin θ) and the lower one (1 − cos θ, 0.5 − sin θ) with θ ~ U[0, π),
/// plus isotropic N(0, noise²) noise; then x ← scale·(x − (0.5, 0.25)), which centres the pair on the origin.
/// Draw order: n uniforms choosing the moon (lower when u &lt; 0.5), n uniforms for θ, then n×2 normals.
/// </summary>
public sealed class MoonsDataset : IDataSource
{
    // Cached Scalars: Sample runs once per training step (cache or dispose Scalars in hot loops: each one holds a native handle).
    private static readonly Scalar Half = 0.5.ToScalar();
    private static readonly Scalar Quarter = 0.25.ToScalar();
    private static readonly Scalar One = 1.0.ToScalar();
    private static readonly Scalar MinusTwo = (-2.0).ToScalar();
    private static readonly Scalar Pi = Math.PI.ToScalar();
    private readonly Scalar noiseScalar;
    private readonly Scalar scaleScalar;

    /// <summary>Creates the moons.</summary>
    /// <param name="noise">Noise std in unit coordinates (default 0.1), finite and ≥ 0.</param>
    /// <param name="scale">Scale applied after centring (default 2.5, so x spans about [−3.75, 3.75]), finite and &gt; 0.</param>
    public MoonsDataset(double noise = 0.1, double scale = 2.5)
    {
        if (!double.IsFinite(noise) || noise < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(noise), noise, "The noise std must be finite and ≥ 0.");
        }

        if (!double.IsFinite(scale) || scale <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "The scale must be finite and > 0.");
        }

        Noise = noise;
        Scale = scale;
        noiseScalar = noise.ToScalar();
        scaleScalar = scale.ToScalar();
    }

    /// <inheritdoc />
    public string Name => "moons";

    /// <inheritdoc />
    public int Dimension => 2;

    /// <summary>Noise std in unit coordinates.</summary>
    public double Noise { get; }

    /// <summary>Scale applied after centring.</summary>
    public double Scale { get; }

    /// <inheritdoc />
    public Tensor Sample(int n, Generator? generator = null, Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        var dev = RandomDraws.ValidateSampleArguments(n, device, dtype);
        using var scope = torch.NewDisposeScope();
        var lower = RandomDraws.Rand([n], dtype, dev, generator).lt(Half).to(dtype);   // 1 on the lower moon
        var theta = RandomDraws.Rand([n], dtype, dev, generator).mul(Pi);
        var z = RandomDraws.Randn([n, 2], dtype, dev, generator);
        // upper: (cos θ, sin θ); lower: (1 − cos θ, 0.5 − sin θ)  ⇒  sign = 1 − 2·lower
        var sign = lower.mul(MinusTwo).add(One, Scalars.One);
        var px = theta.cos().mul(sign).add(lower, One);
        var py = theta.sin().mul(sign).add(lower.mul(Half), One);
        var x = torch.stack([px.sub(Half), py.sub(Quarter)], 1).add(z.mul(noiseScalar), One);
        return x.mul(scaleScalar).MoveToOuterDisposeScope();
    }
}
