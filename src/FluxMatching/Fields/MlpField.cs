namespace FluxMatching.Fields;

using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

/// <summary>
/// A multilayer perceptron vector field: Linear/SiLU stack <c>D (+1) → hidden ×depth → D</c>, the authors' toy field
/// (the authors' examples/flux_matching_quickstart.ipynb–2.2: 2→128→SiLU→128→SiLU→2; annealed 3→256→SiLU→256→SiLU→2). A noise-conditioned field
/// takes concat([x, σ]) with σ itself (not log σ) expanded to [B, 1]. For x of rank &gt; 2 each sample is
/// flattened to D, passed through the MLP and reshaped back.
/// </summary>
public sealed partial class MlpField : TrainableField, IClosedFormEndPoint, IFirstOrderNode, ISquaredResidualNode,
    IFusedSamplerDrift, IOwnCpuKernels
{
    private readonly ModuleList<Linear> layers;
    private readonly IReadOnlyList<Linear> layerView;
    private readonly int dimension;
    private readonly bool noiseConditioned;

    /// <summary>Creates the field with PyTorch's default Linear initialisation (from the global generator).</summary>
    /// <param name="dimension">Data dimension D ≥ 1 (the flattened size of one sample).</param>
    /// <param name="hidden">Hidden width ≥ 1 (notebooks: 128, annealed 256).</param>
    /// <param name="depth">Number of hidden layers ≥ 0 (notebooks: 2); depth + 1 Linear layers in all.</param>
    /// <param name="noiseConditioned">True to take σ as an extra input.</param>
    /// <param name="name">Module name.</param>
    public MlpField(int dimension, int hidden = 128, int depth = 2, bool noiseConditioned = false,
        string name = "mlp_field")
        : this(Widths(dimension, hidden, depth, noiseConditioned), noiseConditioned, name)
    {
    }

    /// <summary>Creates the field from explicit layer widths (e.g. to mirror a fixture).</summary>
    /// <param name="widths">Widths w_0 … w_L (L ≥ 1 Linear layers w_{i} → w_{i+1}); w_0 = D (+1 when
    /// noise-conditioned) and w_L = D.</param>
    /// <param name="noiseConditioned">True to take σ as an extra input.</param>
    /// <param name="name">Module name.</param>
    public MlpField(IReadOnlyList<int> widths, bool noiseConditioned, string name = "mlp_field") : base(name)
    {
        ArgumentNullException.ThrowIfNull(widths);
        if (widths.Count < 2 || widths.Any(w => w < 1))
        {
            throw new ArgumentException(
                $"widths must list at least two positive widths, got [{string.Join(", ", widths)}].", nameof(widths));
        }

        int extra = noiseConditioned ? 1 : 0;
        if (widths[0] != widths[^1] + extra)
        {
            throw new ArgumentException(
                $"widths[0] must be the output width {widths[^1]}{(noiseConditioned ? " + 1 (for σ)" : "")}, got " +
                $"{widths[0]}.", nameof(widths));
        }

        dimension = widths[^1];
        this.noiseConditioned = noiseConditioned;
        var linears = new Linear[widths.Count - 1];
        for (int i = 0; i < linears.Length; i++)
        {
            linears[i] = nn.Linear(widths[i], widths[i + 1]);
        }

        layers = nn.ModuleList(linears);
        layerView = Array.AsReadOnly(linears);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override int Dimension => dimension;

    /// <inheritdoc />
    public override bool IsNoiseConditioned => noiseConditioned;

    /// <summary>The Linear layers in order (SiLU between consecutive layers, none after the last).</summary>
    public IReadOnlyList<Linear> Layers => layerView;

    /// <summary>
    /// Evaluates f(x; σ).
    /// </summary>
    /// <param name="x">Points [B, D] or [B, *S] with prod(S) = D; result has x's shape.</param>
    /// <param name="sigma">σ (not σ²): one element or [B]; required when noise-conditioned, ignored otherwise.</param>
    public override Tensor Evaluate(Tensor x, Tensor? sigma = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.dim() < 1 || x.size(0) < 1 || x.numel() != x.size(0) * (long)dimension)
        {
            throw new ArgumentException(
                $"x must have shape [B, *S] with prod(S) = {dimension}, got [{string.Join(", ", x.shape)}].",
                nameof(x));
        }

        long batch = x.size(0);
        var h = x.reshape(batch, dimension);
        if (noiseConditioned)
        {
            if (sigma is null)
            {
                throw new ArgumentNullException(nameof(sigma), "This field is noise-conditioned: σ is required.");
            }

            if (sigma.numel() != 1 && sigma.numel() != batch)
            {
                throw new ArgumentException(
                    $"sigma must hold 1 or B = {batch} elements, got shape [{string.Join(", ", sigma.shape)}].",
                    nameof(sigma));
            }

            var column = sigma.to(x.dtype, x.device).reshape(-1, 1).expand(batch, 1);
            h = cat([h, column], 1);
        }

        for (int i = 0; i < layers.Count; i++)
        {
            h = layers[i].forward(h);
            if (i < layers.Count - 1)
            {
                h = nn.functional.silu(h);
            }
        }

        return h.view(x.shape);
    }

    /// <summary>
    /// Copies weights into one Linear layer (PyTorch layout), in the layer's dtype and device.
    /// </summary>
    /// <param name="index">Layer index, 0 ≤ index &lt; <see cref="Layers"/>.Count.</param>
    /// <param name="weight">Weight [out, in] in row-major order (out·in values).</param>
    /// <param name="bias">Bias [out].</param>
    public void LoadLayer(int index, double[] weight, double[] bias)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(bias);
        if (index < 0 || index >= layers.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"index must be in [0, {layers.Count}).");
        }

        var layer = layers[index];
        var w = layer.weight!;
        var b = layer.bias!;
        if (weight.Length != w.numel() || bias.Length != b.numel())
        {
            throw new ArgumentException(
                $"Layer {index} needs a weight of {w.size(0)}×{w.size(1)} = {w.numel()} values and a bias of " +
                $"{b.numel()}, got {weight.Length} and {bias.Length}.", nameof(weight));
        }

        using var _ = no_grad();
        using var wSource = tensor(weight, w.shape, dtype: w.dtype, device: w.device);
        using var bSource = tensor(bias, b.shape, dtype: b.dtype, device: b.device);
        w.copy_(wSource);
        b.copy_(bSource);
    }

    private static int[] Widths(int dimension, int hidden, int depth, bool noiseConditioned)
    {
        if (dimension < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "dimension must be >= 1.");
        }

        if (hidden < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(hidden), hidden, "hidden must be >= 1.");
        }

        if (depth < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(depth), depth, "depth must be >= 0.");
        }

        var widths = new int[depth + 2];
        widths[0] = dimension + (noiseConditioned ? 1 : 0);
        for (int i = 1; i <= depth; i++)
        {
            widths[i] = hidden;
        }

        widths[^1] = dimension;
        return widths;
    }
}
