namespace FluxMatching.Models;

using FluxMatching.Data;
using FluxMatching.Fields;
using FluxMatching.Losses;
using FluxMatching.Sampling;
using FluxMatching.Training;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// A Flux Matching model: the learned field (any registered field, chosen by <see cref="FluxModelConfig.Field"/>:
/// an MLP, a σ-conditioned MLP, a transformer, …), its EMA copy used for sampling, and for annealed training the
/// learned loss normalizer (and optionally the horizon proposal). It also carries its training state. One module, so
/// one checkpoint holds all of it (<see cref="Checkpoint"/>). The one training loop trains it as an
/// <see cref="ITrainable"/>.
/// </summary>
public sealed class FluxModel : nn.Module, ITrainable
{
    /// <summary>Creates a freshly initialized model.</summary>
    /// <param name="config">Model configuration; validated here.</param>
    /// <param name="seed">Seed for parameter initialization.</param>
    /// <param name="device">Device of all parameters (null: CPU).</param>
    public FluxModel(FluxModelConfig config, long seed = 0, Device? device = null)
        : this(config, null, seed, device)
    {
    }

    /// <summary>Creates a freshly initialized model on a custom data source (e.g. your own data set).</summary>
    /// <param name="config">Model configuration; its <see cref="FluxModelConfig.Data"/> is ignored when
    /// <paramref name="data"/> is given.</param>
    /// <param name="data">The data source (null: the built-in data set named in the configuration).</param>
    /// <param name="seed">Seed for parameter initialization.</param>
    /// <param name="device">Device of all parameters (null: CPU).</param>
    public FluxModel(FluxModelConfig config, IDataSource? data, long seed = 0, Device? device = null) : base("FluxModel")
    {
        ArgumentNullException.ThrowIfNull(config);
        if (data is not null)
        {
            config = config with { Data = data.Name };
        }

        config.Validate(requireBuiltInData: data is null);
        Config = config;
        Data = data ?? DataSources.Create(config.Data, config.HorizontalFlips);
        IReadOnlyList<int>? imageShape = Data is IImageSource image ? [image.Channels, image.Height, image.Width] : null;
        Device = device ?? CPU;
        using (var _ = torch.NewDisposeScope())
        {
            torch.manual_seed(seed);
            Field = FieldRegistry.Create(config.Field, config.ToFieldSpec(Data.Dimension, imageShape, "field"));
            Ema = FieldRegistry.Create(config.Field, config.ToFieldSpec(Data.Dimension, imageShape, "ema"));
            if (config.Annealed && config.Loss == LossKind.Flux)
            {
                Normalizer = new LossNormalizer();
            }

            if (config.TimeProposal)
            {
                Proposal = new ExponentialTimeProposal();
            }

            if (config.Mixing > 0)
            {
                MixingNormalizer = new LossNormalizer(name: "mixing_normalizer");
            }
        }
        register_module("field", Field);
        register_module("ema", Ema);
        if (Normalizer is not null)
        {
            register_module("normalizer", Normalizer);
        }

        if (Proposal is not null)
        {
            register_module("proposal", Proposal);
        }

        if (MixingNormalizer is not null)
        {
            register_module("mixing_normalizer", MixingNormalizer);
        }

        foreach (var p in Ema.parameters())
        {
            p.requires_grad = false;
        }

        CopyFieldToEma();
        this.to(Device);
    }

    /// <summary>The configuration this model was built from.</summary>
    public FluxModelConfig Config { get; }

    /// <summary>The data set the model is trained on.</summary>
    public IDataSource Data { get; }

    /// <summary>The device holding the parameters.</summary>
    public Device Device { get; private set; }

    /// <summary>The learned field f_θ, [B, D] → [B, D] (σ-conditioned when annealed); its type follows
    /// <see cref="FluxModelConfig.Field"/> (an <see cref="MlpField"/> by default).</summary>
    public TrainableField Field { get; }

    /// <summary>Exponential moving average of <see cref="Field"/>'s parameters (used for sampling).</summary>
    public TrainableField Ema { get; }

    /// <summary>The learned loss normalizer s(σ) of annealed Flux training, else null.</summary>
    public LossNormalizer? Normalizer { get; }

    /// <summary>The learned horizon proposal q(t), when <see cref="FluxModelConfig.TimeProposal"/> is set.</summary>
    public ExponentialTimeProposal? Proposal { get; }

    /// <summary>The mixing regularizer's learned normalizer m(σ), when <see cref="FluxModelConfig.Mixing"/> &gt; 0.
    /// </summary>
    public LossNormalizer? MixingNormalizer { get; }

    /// <summary>Number of optimizer steps taken so far.</summary>
    public int StepsTrained { get; internal set; }

    /// <inheritdoc />
    TrainableField? ITrainable.Ema => Ema;

    /// <summary>Per-step batch-mean training loss, one entry per step taken.</summary>
    public List<double> LossHistory { get; } = [];

    /// <summary>Number of trainable parameters (field and auxiliary nets; the EMA copy excluded).</summary>
    public long ParameterCount => TrainableParameters().Sum(p => p.numel());

    /// <summary>The parameters an optimizer updates: field, normalizers and proposal (not the EMA copy).</summary>
    public IReadOnlyList<TorchSharp.Modules.Parameter> TrainableParameters()
    {
        var ps = new List<TorchSharp.Modules.Parameter>(Field.parameters());
        if (Normalizer is not null)
        {
            ps.AddRange(Normalizer.parameters());
        }

        if (Proposal is not null)
        {
            ps.AddRange(Proposal.parameters());
        }

        if (MixingNormalizer is not null)
        {
            ps.AddRange(MixingNormalizer.parameters());
        }

        return ps;
    }

    /// <summary>Copies the field's parameters into the EMA copy (start of training, or after loading).</summary>
    public void CopyFieldToEma()
    {
        using var _ = torch.no_grad();
        foreach (var (e, p) in Ema.parameters().Zip(Field.parameters()))
        {
            e.copy_(p);
        }
    }

    /// <summary>Moves the model to a device.</summary>
    public void MoveTo(Device device)
    {
        this.to(device);
        Device = device;
    }

    /// <summary>
    /// Draws samples from the model with the sampler the request names: by default <see cref="FluxDefaults.SamplerFor"/>
    /// (Langevin for fixed σ, the reverse SDE when annealed, EDM Heun for a U-Net); the EDM Heun, predictor–corrector and adaptive PF-ODE samplers go through
    /// <see cref="ModelSampling.Sample"/>.
    /// </summary>
    /// <param name="request">Sampler settings; null members take the model's defaults.</param>
    /// <returns>Samples [N, D] on the model's device (and the trajectory [T, N, D] when requested).</returns>
    public SampleResult Sample(SamplingRequest? request = null)
    {
        request ??= new SamplingRequest();
        if (request.N < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.N, "n must be at least 1.");
        }

        if (request.Steps is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.Steps, "sampler steps must be at least 1.");
        }

        if (request.StepSize is { } eps && !(eps > 0 && double.IsFinite(eps)))
        {
            throw new ArgumentOutOfRangeException(nameof(request), eps, "the Langevin step size must be a finite number > 0.");
        }

        var kind = request.Sampler ?? FluxDefaults.SamplerFor(Config);
        if (kind is not (SamplerKind.Langevin or SamplerKind.ReverseSde))
        {
            return ModelSampling.Sample(this, request);
        }

        var field = request.UseEma && StepsTrained > 0 ? Ema : Field;
        bool training = field.training;
        field.eval();   // dropout (a U-Net's) is off while sampling
        try
        {
            return ModelSampling.LangevinOrReverseSde(this, field, request, kind);
        }
        finally
        {
            field.train(training);
        }
    }

    /// <summary>The fixed-σ, annealed or DSM objective of this model's configuration; converts the model to
    /// <see cref="TrainerOptions.Dtype"/> and, for an untrained model with <see cref="FluxModelConfig.CalibrateNormalizer"/>,
    /// calibrates its loss normalizer. Its generator is seeded by the options' seed and the steps taken.</summary>
    /// <param name="options">The session's settings.</param>
    public ITrainingObjective CreateObjective(TrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (Device.type == DeviceType.CPU)
        {
            MemoryEstimate.Require(MemoryEstimate.Training(Config, Data.Dimension, options.Batch, options.Dtype), "--batch", options.Batch, "one training step");
        }

        if (Field.DType != options.Dtype)
        {
            this.to(options.Dtype);
        }

        if (Config.CalibrateNormalizer && StepsTrained == 0)
        {
            NormalizerCalibration.Calibrate(this, options.Batch, options.Dtype);   // once, before the first step
        }

        var generator = new Generator((ulong)(options.Seed * 1_000_003L + StepsTrained), Device);
        return new FluxModelObjective(this, options.Batch, generator, options.Dtype);
    }

    /// <summary>Counts an applied step and its loss (a step that was not applied is not counted).</summary>
    /// <param name="outcome">The step's outcome.</param>
    public void RecordStep(StepOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (!outcome.Applied)
        {
            return;
        }

        StepsTrained++;
        LossHistory.Add(outcome.Loss);
    }

    /// <summary>Ends a training session: without an EMA the sampling copy takes the trained parameters.</summary>
    /// <param name="averaged">Whether the session kept the EMA copy up to date.</param>
    public void EndSession(bool averaged)
    {
        if (!averaged)
        {
            CopyFieldToEma();
        }
    }

    /// <inheritdoc />
    public void SaveCheckpoint(string path) => Save(path);

    /// <summary>Saves the model atomically with a JSON sidecar (see <see cref="Checkpoint.Save"/>).</summary>
    /// <param name="path">Checkpoint file path; the sidecar is written to <c>path + ".json"</c>.</param>
    public void Save(string path) => Checkpoint.Save(this, path);

    /// <summary>Loads a model saved by <see cref="Save"/>, validating the file (see <see cref="Checkpoint.Load(string, Device?, int?)"/>).</summary>
    public static FluxModel Load(string path, Device? device = null) => Checkpoint.Load(path, device);
}
