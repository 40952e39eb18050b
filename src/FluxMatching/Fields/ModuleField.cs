namespace FluxMatching.Fields;

using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// A user's TorchSharp module as the learned field: a <c>Module&lt;Tensor, Tensor&gt;</c> mapping [B, *S] → [B, *S],
/// or a σ-conditioned <c>Module&lt;Tensor, Tensor, Tensor&gt;</c> called as module(x [B, *S], σ [B]) for annealed
/// training. The model sees [B, D] (D = ∏S): inputs are reshaped to the module's shape and outputs flattened back.
/// The module is trained in place by the same loop, loss and samplers as the built-in fields, and its parameters are
/// saved with the model. A module that returns another shape, or fails on a batch, is named in one line
/// (<see cref="ArgumentException"/>) on the first batch it sees.
/// </summary>
public sealed class ModuleField : TrainableField
{
    // The module is registered once, as "module"; these references sit in a plain holder so that TorchSharp's
    // reflection-based component registration does not register it a second time under a field's name.
    private readonly Calls calls = new();
    private readonly long[] shape;
    private bool shapeChecked;

    /// <summary>Wraps a plain module f(x), [B, *S] → [B, *S].</summary>
    /// <param name="module">The module (trained in place; it becomes a submodule of this field).</param>
    /// <param name="sampleShape">S, the shape of one sample (e.g. [4] for 4 columns).</param>
    /// <param name="label">How messages name the module (e.g. the notebook variable).</param>
    /// <param name="name">Module name of this field.</param>
    public ModuleField(nn.Module<Tensor, Tensor> module, long[] sampleShape, string label = "module", string name = "field")
        : this((nn.Module)module, sampleShape, label, name)
    {
        calls.Plain = module;
    }

    /// <summary>Wraps a σ-conditioned module f(x, σ), ([B, *S], [B]) → [B, *S].</summary>
    public ModuleField(nn.Module<Tensor, Tensor, Tensor> module, long[] sampleShape, string label = "module", string name = "field")
        : this((nn.Module)module, sampleShape, label, name)
    {
        calls.Conditioned = module;
    }

    private ModuleField(nn.Module module, long[] sampleShape, string label, string name) : base(name)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(sampleShape);
        if (sampleShape.Length == 0 || sampleShape.Any(s => s < 1))
        {
            throw new ArgumentException($"sampleShape must list sizes ≥ 1; got [{string.Join(", ", sampleShape)}].", nameof(sampleShape));
        }

        long d = sampleShape.Aggregate(1L, (a, b) => a * b);
        if (d > int.MaxValue)
        {
            throw new ArgumentException($"sampleShape [{string.Join(", ", sampleShape)}] is too large.", nameof(sampleShape));
        }

        this.shape = sampleShape.ToArray();
        Dimension = (int)d;
        Label = label;
        calls.Module = module;
        register_module("module", module);
    }

    /// <summary>The wrapped module.</summary>
    public nn.Module Module => calls.Module!;

    /// <summary>How messages name the module.</summary>
    public string Label { get; }

    /// <summary>S, the shape of one sample as the module sees it.</summary>
    public IReadOnlyList<long> SampleShape => this.shape;

    /// <inheritdoc />
    public override int Dimension { get; }

    /// <inheritdoc />
    public override bool IsNoiseConditioned => calls.Conditioned is not null;

    /// <inheritdoc />
    public override Tensor Evaluate(Tensor x, Tensor? sigma = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.dim() != 2 || x.shape[1] != Dimension)
        {
            throw new ArgumentException($"field '{Label}' takes points [B, {Dimension}]; got [{string.Join(", ", x.shape)}].", nameof(x));
        }

        long b = x.shape[0];
        var input = x.reshape([b, .. this.shape]);
        Tensor output;
        try
        {
            if (calls.Conditioned is { } conditioned)
            {
                if (sigma is null)
                {
                    throw new ArgumentException($"field '{Label}' is σ-conditioned; σ is missing.", nameof(sigma));
                }

                using var s = sigma.to(x.dtype, x.device).reshape(-1).expand(b);
                output = conditioned.call(input, s);
            }
            else
            {
                output = calls.Plain!.call(input);
            }
        }
        catch (Exception e) when (!shapeChecked && e is not OutOfMemoryException and not ArgumentException)
        {
            throw new ArgumentException($"field '{Label}' failed on its first batch, of shape [{string.Join(", ", input.shape)}]{(IsNoiseConditioned ? " with σ [B]" : "")}: {FirstLine(e.Message)}", e);
        }
        if (output.dim() == 0 || output.shape[0] != b || output.numel() != b * Dimension || (!shapeChecked && !output.shape[1..].SequenceEqual(this.shape)))
        {
            var got = $"[{string.Join(", ", output.shape)}]";
            output.Dispose();
            throw new ArgumentException($"field '{Label}' maps [{string.Join(", ", input.shape)}] to {got}; it must return the shape it is given ([B, {string.Join(", ", this.shape)}]).");
        }
        shapeChecked = true;
        return output.reshape(b, Dimension);
    }

    /// <summary>Evaluates the module on two rows of <paramref name="batch"/> [N, D] (N ≥ 1) on its device and dtype, so a
    /// shape mismatch is reported before training starts.</summary>
    /// <exception cref="ArgumentException">The module fails or returns another shape (one line naming both shapes).</exception>
    public void Check(Tensor batch, double sigma = 1.0)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var x = batch[..(int)Math.Min(2, batch.shape[0])].to(DType, Device);
        Evaluate(x, IsNoiseConditioned ? torch.tensor(sigma, DType, Device) : null);
    }

    /// <summary>
    /// A field with this one's architecture for the EMA copy of a model: its own parameters, one per module parameter
    /// in the same order; evaluating it runs the module with these values swapped in under no_grad (the copy is
    /// sampled, never trained).
    /// </summary>
    /// <param name="name">Module name of the copy.</param>
    public TrainableField CreateAverage(string name = "ema") => new Average(this, name);

    /// <summary>The <see cref="FieldRegistry"/> name under which <see cref="Register"/> puts a module labelled
    /// <paramref name="label"/>: "module:label".</summary>
    public static string RegistryName(string label) => "module:" + label;

    /// <summary>
    /// Registers <paramref name="module"/> with <see cref="FieldRegistry"/> so that a model whose
    /// <c>FluxModelConfig.Field</c> is the returned name trains it: the model's field is this module (trained in place),
    /// its EMA copy a <see cref="CreateAverage"/> of it. Re-registering a label replaces the module.
    /// </summary>
    /// <param name="label">The module's name in messages and in the registry (e.g. the notebook variable).</param>
    /// <param name="module">A <c>Module&lt;Tensor, Tensor&gt;</c> or a σ-conditioned <c>Module&lt;Tensor, Tensor, Tensor&gt;</c>.</param>
    /// <param name="sampleShape">S, the shape of one sample ([D] for flat data).</param>
    /// <returns>The field's registry name.</returns>
    /// <exception cref="ArgumentException">The module has another signature.</exception>
    public static string Register(string label, nn.Module module, long[] sampleShape)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(label);
        ArgumentNullException.ThrowIfNull(module);
        ModuleField field = module switch
        {
            nn.Module<Tensor, Tensor> plain => new ModuleField(plain, sampleShape, label),
            nn.Module<Tensor, Tensor, Tensor> conditioned => new ModuleField(conditioned, sampleShape, label),
            _ => throw new ArgumentException(
                $"'{label}' is a module of another signature; a field is a Module<Tensor, Tensor> (x [B, *S] → [B, *S]) or a σ-conditioned Module<Tensor, Tensor, Tensor> (x, σ [B]).", nameof(module)),
        };
        var name = RegistryName(label);
        FieldRegistry.Register(name, spec =>
        {
            if (spec.NoiseConditioned != field.IsNoiseConditioned)
            {
                throw new ArgumentException(field.IsNoiseConditioned
                    ? $"field '{label}' takes σ (Module<Tensor, Tensor, Tensor>): it needs annealed training (--annealed)."
                    : $"field '{label}' takes no σ (Module<Tensor, Tensor>): annealed training needs a Module<Tensor, Tensor, Tensor> taking (x, σ).", nameof(spec));
            }

            if (spec.Dimension != field.Dimension)
            {
                throw new ArgumentException($"field '{label}' was given for samples of shape [{string.Join(", ", field.SampleShape)}] (D = {field.Dimension}); the data have D = {spec.Dimension}.", nameof(spec));
            }

            return spec.Name == "ema" ? field.CreateAverage(spec.Name) : field;
        });
        return name;
    }

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();

    /// <summary>The module's references, out of reach of reflection-based registration.</summary>
    private sealed class Calls
    {
        public nn.Module? Module;
        public nn.Module<Tensor, Tensor>? Plain;
        public nn.Module<Tensor, Tensor, Tensor>? Conditioned;
        public ModuleField? Owner;
    }

    private sealed class Average : TrainableField
    {
        private readonly Calls state = new();
        private readonly int count;

        public Average(ModuleField owner, string name) : base(name)
        {
            state.Owner = owner;
            var source = owner.Module.parameters().ToArray();
            count = source.Length;
            using (torch.no_grad())
            {
                for (int i = 0; i < source.Length; i++)
                {
                    register_parameter($"p{i}", new TorchSharp.Modules.Parameter(source[i].detach().clone().DetachFromDisposeScope(), requires_grad: false));
                }
            }
        }

        private ModuleField owner => state.Owner!;

        public override int Dimension => this.owner.Dimension;

        public override bool IsNoiseConditioned => this.owner.IsNoiseConditioned;

        public override Tensor Evaluate(Tensor x, Tensor? sigma = null)
        {
            var _values = parameters().ToArray();
            if (_values.Length != count)
            {
                throw new InvalidOperationException($"the averaged copy of field '{this.owner.Label}' lost its parameters.");
            }

            var live = this.owner.Module.parameters().ToArray();
            var saved = new Tensor[live.Length];
            using var noGrad = torch.no_grad();
            lock (this.owner)
            {
                try
                {
                    for (int i = 0; i < live.Length; i++)
                    {
                        saved[i] = live[i].detach().clone();
                        live[i].copy_(_values[i]);
                    }
                    return this.owner.Evaluate(x, sigma);
                }
                finally
                {
                    for (int i = 0; i < live.Length; i++)
                    {
                        if (saved[i] is { } s)
                        {
                            live[i].copy_(s);
                            s.Dispose();
                        }
                    }
                }
            }
        }
    }
}
