namespace FluxMatching.Losses;

using FluxMatching.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

/// <summary>
/// The authors' two-layer auxiliary net on the noise level (the authors' src/exponential.py–1.7): <c>input_layer</c>
/// Linear(1→hidden) then <c>output_layer</c> Linear(hidden→1) with no nonlinearity between them, applied to
/// log(σ)/4, so the output is an affine function of log σ (over-parameterised on purpose, as in the reference).
/// Base of <see cref="ExponentialTimeProposal"/> and <see cref="LossNormalizer"/>.
/// </summary>
public abstract class LogSigmaAffineNet : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // PyTorch's parameter names: input_layer.weight, output_layer.bias, …
    private readonly Linear input_layer;
    private readonly Linear output_layer;
#pragma warning restore IDE1006

    /// <summary>Creates the net with PyTorch's default Linear initialisation (draws from the global generator).</summary>
    /// <param name="name">Module name.</param>
    /// <param name="hidden">Hidden width (the reference uses 256); ≥ 1.</param>
    protected LogSigmaAffineNet(string name, int hidden) : base(name)
    {
        if (hidden < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(hidden), hidden, "hidden must be >= 1.");
        }

        Hidden = hidden;
        input_layer = nn.Linear(1, hidden);
        output_layer = nn.Linear(hidden, 1);
        RegisterComponents();
    }

    /// <summary>Hidden width.</summary>
    public int Hidden { get; }

    /// <summary>The first layer, Linear(1→hidden) (weight [hidden, 1], bias [hidden]).</summary>
    public Linear InputLayer => input_layer;

    /// <summary>The second layer, Linear(hidden→1) (weight [1, hidden], bias [1]).</summary>
    public Linear OutputLayer => output_layer;

    /// <summary>The element type of the parameters (inputs σ must match it).</summary>
    public ScalarType ParameterType => input_layer.weight!.dtype;

    /// <summary>
    /// The affine head a(σ) = output_layer(input_layer(log(σ)/4)).
    /// </summary>
    /// <param name="sigma">Noise standard deviations σ &gt; 0, any shape with n elements (0-d, [n], [n,1,1,1]…).</param>
    /// <returns>Shape [n].</returns>
    protected Tensor Head(Tensor sigma)
    {
        ArgumentNullException.ThrowIfNull(sigma);
        if (sigma.dtype != ParameterType)
        {
            throw new ArgumentException(
                $"sigma must have the parameters' dtype {ParameterType}, got {sigma.dtype}.", nameof(sigma));
        }

        var input = sigma.reshape(-1, 1).log().mul(Scalars.Shared(0.25));
        return output_layer.forward(input_layer.forward(input)).squeeze(-1);
    }
}
