namespace FluxMatching.Plotting;

using FluxMatching.Fields;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>Evaluates a 2-D <see cref="IVectorField"/> at plain-array points under no_grad and reads the result back
/// as float64 arrays (the read-back boundary of plotting).</summary>
internal sealed class FieldEvaluator
{
    private readonly IVectorField _field;
    private readonly Device _device;
    private readonly ScalarType _dtype;
    private readonly double? _sigma;
    private readonly int _batch;

    /// <summary>Validates the field and resolves device, dtype and σ.</summary>
    public FieldEvaluator(IVectorField field, FieldEvaluationOptions? options)
    {
        ArgumentNullException.ThrowIfNull(field);
        options ??= new FieldEvaluationOptions();
        if (field.Dimension != 2)
            throw new ArgumentException($"Only 2-D fields can be plotted; the field has Dimension = {field.Dimension}.", nameof(field));
        if (options.BatchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.BatchSize, "BatchSize must be ≥ 1.");
        if (field.IsNoiseConditioned && options.Sigma is null)
            throw new ArgumentException("The field is noise-conditioned: set FieldEvaluationOptions.Sigma (σ > 0).", nameof(options));
        if (options.Sigma is { } s && (!double.IsFinite(s) || s <= 0))
            throw new ArgumentOutOfRangeException(nameof(options), s, "Sigma must be finite and > 0.");
        TorchSharp.Modules.Parameter? first = field is nn.Module m ? m.parameters().FirstOrDefault() : null;
        _device = options.Device ?? first?.device ?? CPU;
        _dtype = options.DType ?? (first is { } p && p.dtype is ScalarType.Float32 or ScalarType.Float64 ? p.dtype : ScalarType.Float32);
        if (_dtype is not (ScalarType.Float32 or ScalarType.Float64))
            throw new ArgumentException($"DType must be Float32 or Float64; got {_dtype}.", nameof(options));
        _field = field;
        _sigma = field.IsNoiseConditioned ? options.Sigma : null;
        _batch = options.BatchSize;
    }

    /// <summary>f(x_k, y_k) for every k; returns the components as two arrays of length K.</summary>
    public (double[] U, double[] V) Evaluate(double[] xs, double[] ys)
    {
        int n = xs.Length;
        var u = new double[n];
        var v = new double[n];
        for (int start = 0; start < n; start += _batch)
        {
            int len = Math.Min(_batch, n - start);
            var buf = new double[2 * len];
            for (int k = 0; k < len; k++) (buf[2 * k], buf[2 * k + 1]) = (xs[start + k], ys[start + k]);
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            var x = torch.tensor(buf, [len, 2], ScalarType.Float64).to(_dtype, _device);
            var sigma = _sigma is { } s ? torch.tensor(s, _dtype, _device) : null;
            var f = _field.Evaluate(x, sigma);
            if (f.dim() != 2 || f.shape[0] != len || f.shape[1] != 2)
                throw new InvalidOperationException($"The field returned shape [{string.Join(", ", f.shape)}] for input [{len}, 2].");
            var back = f.detach().to(ScalarType.Float64).cpu().contiguous().data<double>().ToArray();
            for (int k = 0; k < len; k++) (u[start + k], v[start + k]) = (back[2 * k], back[2 * k + 1]);
        }
        return (u, v);
    }
}
