namespace FluxMatching.Fields.Images;

using FluxMatching.Runtime;
using static TorchSharp.torch;

/// <summary>
/// The paper's image field (exp3/exp4, the authors' <c>EDM.py</c>): the U-Net F wrapped in EDM preconditioning,
/// D(z; σ) = c_skip(σ)·z + c_out(σ)·F(c_in(σ)·z, c_noise(σ)) with c_skip = σ_d²/(σ² + σ_d²),
/// c_out = σσ_d/√(σ² + σ_d²), c_in = 1/√(σ² + σ_d²), c_noise = ln σ / 4 (σ_d = 0.5), and the Flux Matching field
/// f(z; σ) = (D(z; σ) − z)/σ² (a score parameterisation, Tweedie). The U-Net is registered as <c>nn_model</c> as in
/// the authors' EDM module, so <see cref="Network"/>'s state dict is the authors' <c>UNet.state_dict()</c>.
/// </summary>
public sealed class EdmUNetField : TrainableField, IDenoiser
{
    private readonly UNet nn_model;

    /// <summary>Creates the field with a freshly initialized U-Net (PyTorch's default initialization).</summary>
    /// <param name="config">U-Net architecture.</param>
    /// <param name="sigmaData">σ_d of the preconditioning (default 0.5, the authors' value; finite, &gt; 0).</param>
    public EdmUNetField(UNetConfig config, double sigmaData = 0.5) : base(nameof(EdmUNetField))
    {
        if (!(sigmaData > 0.0) || !double.IsFinite(sigmaData))
        {
            throw new ArgumentOutOfRangeException(nameof(sigmaData), sigmaData, "sigmaData must be finite and > 0.");
        }

        SigmaData = sigmaData;
        nn_model = new UNet(config);
        RegisterComponents();
    }

    /// <summary>The raw network F (parameter names of the authors' <c>UNet</c>).</summary>
    public UNet Network => nn_model;

    /// <summary>The U-Net architecture.</summary>
    public UNetConfig Config => nn_model.Config;

    /// <summary>σ_d of the preconditioning.</summary>
    public double SigmaData { get; }

    /// <inheritdoc />
    public override int Dimension => Config.Dimension;

    /// <inheritdoc />
    public override bool IsNoiseConditioned => true;

    /// <summary>The Flux Matching field f(z; σ) = (D(z; σ) − z)/σ².</summary>
    /// <param name="x">Noisy images [B, C, H, W] or flattened [B, D] (D = C·H·W), the parameters' dtype/device.</param>
    /// <param name="sigma">σ &gt; 0: one element or [B] (any shape with that many elements).</param>
    /// <returns>f, shaped like <paramref name="x"/>.</returns>
    public override Tensor Evaluate(Tensor x, Tensor? sigma = null)
    {
        ArgumentNullException.ThrowIfNull(sigma, nameof(sigma));
        using var scope = NewDisposeScope();
        var z = Images(x);
        var s = SigmaColumn(sigma, z);
        var (d, _) = Precondition(z, s);
        var f = d.sub(z).div(s.pow(Scalars.Two).view(-1, 1, 1, 1));
        return f.reshape(x.shape).MoveToOuterDisposeScope();
    }

    /// <summary>The denoiser D(z; σ) (EDM Eq. 7).</summary>
    /// <param name="x">Noisy images [B, C, H, W] or [B, D].</param>
    /// <param name="sigma">σ &gt; 0: one element or [B].</param>
    /// <returns>D, shaped like <paramref name="x"/>.</returns>
    public Tensor Denoise(Tensor x, Tensor sigma)
    {
        var (d, f) = DenoiseWithRaw(x, sigma);
        f.Dispose();
        return d;
    }

    /// <summary>The denoiser D(z; σ) and the raw network output F(c_in·z, c_noise).</summary>
    /// <param name="x">Noisy images [B, C, H, W] or [B, D].</param>
    /// <param name="sigma">σ &gt; 0: one element or [B].</param>
    /// <returns>D and F, each shaped like <paramref name="x"/>.</returns>
    public (Tensor D, Tensor F) DenoiseWithRaw(Tensor x, Tensor sigma)
    {
        ArgumentNullException.ThrowIfNull(sigma);
        using var scope = NewDisposeScope();
        var z = Images(x);
        var (d, f) = Precondition(z, SigmaColumn(sigma, z));
        return (d.reshape(x.shape).MoveToOuterDisposeScope(), f.reshape(x.shape).MoveToOuterDisposeScope());
    }

    private (Tensor D, Tensor F) Precondition(Tensor z, Tensor sigma)
    {
        var sd2 = Scalars.Shared(SigmaData * SigmaData);
        var denominator = sigma.pow(Scalars.Two).add(sd2, Scalars.One);                                    // σ² + σ_d², [B]
        var cSkip = denominator.reciprocal().mul(sd2);
        var cOut = sigma.mul(Scalars.Shared(SigmaData)).div(denominator.sqrt());
        var cIn = denominator.rsqrt();
        var cNoise = sigma.log().mul(Scalars.Shared(0.25));
        var raw = nn_model.forward(z.mul(cIn.view(-1, 1, 1, 1)), cNoise);
        var d = z.mul(cSkip.view(-1, 1, 1, 1)).add(raw.mul(cOut.view(-1, 1, 1, 1)), Scalars.One);
        return (d, raw);
    }

    private Tensor Images(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var c = Config;
        bool flat = x.dim() == 2 && x.size(1) == c.Dimension;
        bool image = x.dim() == 4 && x.size(1) == c.ImageChannels && x.size(2) == c.ImageHeight &&
                     x.size(3) == c.ImageWidth;
        if (!flat && !image)
        {
            throw new ArgumentException(
                $"x must have shape [B, {c.ImageChannels}, {c.ImageHeight}, {c.ImageWidth}] or [B, {c.Dimension}], " +
                $"got [{string.Join(", ", x.shape)}].", nameof(x));
        }

        return x.reshape(x.size(0), c.ImageChannels, c.ImageHeight, c.ImageWidth);
    }

    private static Tensor SigmaColumn(Tensor sigma, Tensor z)
    {
        long n = sigma.numel(), b = z.size(0);
        if (n != 1 && n != b)
        {
            throw new ArgumentException($"sigma has {n} elements; expected 1 or B = {b}.", nameof(sigma));
        }

        var s = sigma.to(z.dtype, z.device).reshape(n);
        return n == b ? s : s.expand(b);
    }
}
