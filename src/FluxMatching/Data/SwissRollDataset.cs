namespace FluxMatching.Data;

using FluxMatching.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// The 2-D Swiss roll (scikit-learn's <c>make_swiss_roll</c> projected on its x–z plane): t = 1.5π(1 + 2u),
/// u ~ U[0, 1), point = scale·(t cos t, t sin t) + N(0, noise²·I). Defaults scale = 4/(4.5π) so the outermost turn
/// reaches radius 4, and noise 0.25. Draw order: n uniforms, then n×2 normals.
/// </summary>
public sealed class SwissRollDataset : IDataSource
{
    // Cached Scalars: Sample runs once per training step (cache or dispose Scalars in hot loops: each one holds a native handle).
    private static readonly Scalar One = 1.0.ToScalar();
    private static readonly Scalar Two = 2.0.ToScalar();
    private static readonly Scalar OneAndHalfPi = (1.5 * Math.PI).ToScalar();
    private readonly Scalar scaleScalar;
    private readonly Scalar noiseScalar;

    /// <summary>Creates the Swiss roll.</summary>
    /// <param name="scale">Spatial scale (default 4/(4.5π) ≈ 0.283), finite and &gt; 0.</param>
    /// <param name="noise">Isotropic noise std after scaling (default 0.25), finite and ≥ 0.</param>
    public SwissRollDataset(double scale = 4.0 / (4.5 * Math.PI), double noise = 0.25)
    {
        if (!double.IsFinite(scale) || scale <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "The scale must be finite and > 0.");
        }

        if (!double.IsFinite(noise) || noise < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(noise), noise, "The noise std must be finite and ≥ 0.");
        }

        Scale = scale;
        Noise = noise;
        scaleScalar = scale.ToScalar();
        noiseScalar = noise.ToScalar();
    }

    /// <inheritdoc />
    public string Name => "swiss-roll";

    /// <inheritdoc />
    public int Dimension => 2;

    /// <summary>Spatial scale.</summary>
    public double Scale { get; }

    /// <summary>Isotropic noise std after scaling.</summary>
    public double Noise { get; }

    /// <inheritdoc />
    public Tensor Sample(int n, Generator? generator = null, Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        var dev = RandomDraws.ValidateSampleArguments(n, device, dtype);
        using var scope = torch.NewDisposeScope();
        var t = RandomDraws.Rand([n], dtype, dev, generator).mul(Two).add(One, Scalars.One).mul(OneAndHalfPi);
        var z = RandomDraws.Randn([n, 2], dtype, dev, generator);
        var x = torch.stack([t.mul(t.cos()), t.mul(t.sin())], 1).mul(scaleScalar).add(z.mul(noiseScalar), One);
        return x.MoveToOuterDisposeScope();
    }
}
