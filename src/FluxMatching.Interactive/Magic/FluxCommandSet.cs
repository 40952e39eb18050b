namespace FluxMatching.Interactive.Magic;

using System.Globalization;
using FluxMatching.Data;
using FluxMatching.Interactive.Session;
using FluxMatching.Models;
using FluxMatching.Training;
using FluxMatching.Runtime;

/// <summary>
/// The <c>#!flux</c> subcommands: their words, options and descriptions. This one table drives parsing, usage lines,
/// help and notebook completion.
/// </summary>
internal static class FluxCommandSet
{
    /// <summary>The magic command's name.</summary>
    public const string DirectiveName = "#!flux";

    /// <summary>The plot kinds of <c>#!flux plot</c> (flags).</summary>
    public static readonly IReadOnlyList<string> PlotKinds = ["--field", "--streamlines", "--curl", "--divergence", "--trajectories", "--pairs", "--marginals", "--grid"];

    /// <summary>Allowed values of <c>--project</c>.</summary>
    public static readonly IReadOnlyList<string> Projections = ["coords", "pca"];

    private static PositionalSpec Name(bool required = true) =>
        new("NAME", "model name (also the C# variable)", required);

    private static OptionSpec Seed(string what) => new("--seed", $"seed of {what}");

    private static OptionSpec Device(string what) =>
        new("--device", $"device of {what}: {string.Join(", ", DeviceParser.Forms)} (default {FluxDefaults.Device})",
            Placeholder: "cpu|cuda", Completions: () => [.. DeviceParser.Forms.Take(2)]);   // no libtorch call while completing

    private static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>All subcommands, in help order.</summary>
    public static IReadOnlyList<SubcommandSpec> All { get; } =
    [
        new("new", "Creates a model (an MLP field unless --field says otherwise) on a built-in data set or your own data.", [Name()],
        [
            new("--data", $"data: a built-in set (default {FluxDefaults.Model.Data}), a C# variable (Tensor [N, *S], float[,], double[,], IDataSource) or a .csv/.npy file",
                Placeholder: string.Join("|", DataSources.Names) + "|VARIABLE|FILE", Completions: () => DataSources.Names),
            new("--field", $"the learned vector field: {string.Join(", ", ModelChoices.Fields)}, a registered one (default {FluxDefaults.Model.Field}) or a C# variable holding a TorchSharp Module<Tensor, Tensor> [B, *S] → [B, *S] (σ-conditioned Module<Tensor, Tensor, Tensor> with --annealed)",
                Placeholder: "mlp|transformer|…|VARIABLE", Completions: () => ModelChoices.Fields),
            new("--hidden", $"width of each hidden layer (default {FluxDefaults.Model.Hidden})"),
            new("--depth", $"number of hidden layers (default {FluxDefaults.Model.Depth})"),
            new("--components", $"mixture components of a gmm or skew-gmm field (default {FluxDefaults.Model.Components})"),
            new("--sigma2", $"noise variance σ² of fixed-σ training (default {Number(FluxDefaults.Model.Sigma2)})", Placeholder: "X"),
            new("--annealed", "noise-annealed training: σ-conditioned field, σ from [sigma-min, sigma-max]", OptionKind.Flag),
            new("--sigma-min", $"smallest σ of annealed training (default {Number(FluxDefaults.Model.SigmaMin)})", Placeholder: "X"),
            new("--sigma-max", $"largest σ of annealed training (default {Number(FluxDefaults.Model.SigmaMax)})", Placeholder: "X"),
            new("--loss", $"objective (default {ModelChoices.Name(FluxDefaults.Model.Loss)}; dsm-x0 and edm are exp3's image baselines)", Placeholder: string.Join("|", ModelChoices.Losses), Choices: ModelChoices.Losses),
            new("--mixing", $"weight of the fast-mixing regularizer added to the flux loss (the authors' 0.01; default {Number(FluxDefaults.Model.Mixing)}: off)", Placeholder: "X"),
            new("--channels", $"U-Net (--field unet): channels of the first level, a multiple of 32 (default {FluxDefaults.Model.Channels})"),
            new("--channel-mults", $"U-Net: channel multiplier per level, comma-separated (default {string.Join(",", FluxDefaults.Model.ChannelMultipliers)})", Placeholder: "1,2,2"),
            new("--attention", $"U-Net: 0-based levels with self-attention, comma-separated, or none (default {ModelChoices.FormatAttentionLevels(FluxDefaults.Model.AttentionLevels)})", Placeholder: "1|none"),
            new("--blocks", $"U-Net: residual blocks per level (default {FluxDefaults.Model.Blocks})"),
            new("--dropout", $"U-Net: dropout probability (default {Number(FluxDefaults.Model.Dropout)})", Placeholder: "X"),
            new("--sigma-dist", "σ distribution of annealed training (default log-normal for --field unet, else log-uniform)", Placeholder: string.Join("|", ModelChoices.SigmaDistributions), Choices: ModelChoices.SigmaDistributions),
            new("--per-sample-sigma", "one σ per sample instead of one per batch (dsm-x0)", OptionKind.Flag),
            new("--flip", "image data: flip drawn images left-right with probability 1/2", OptionKind.Flag),
            new("--calibrate-normalizer", "annealed flux: start the loss normalizer at the line fitted to the initial model's loss at 8 σ levels (default: the authors' random start)", OptionKind.Flag),
            Seed("parameter initialisation (default 0)"),
            Device("the parameters"),
            new("--holdout", "fraction of your data held out for metrics (default 0)", Placeholder: "X"),
            new("--no-standardize", "train your data in its own units (default: standardized per coordinate)", OptionKind.Flag),
        ]),
        new("train", "Trains a model with Adam, with a live display; interrupting the kernel stops after the current step.", [Name()],
        [
            new("--steps", $"optimizer steps (default {FluxDefaults.Training.Steps})"),
            new("--batch", $"batch size B, also the KDE reference set (default {FluxDefaults.Training.Batch}; {TrainerOptions.Exp3.Batch} for a unet model, with exp3's warm-up, clipping and EMA)"),
            new("--lr", $"Adam learning rate (default {Number(FluxDefaults.Training.LearningRate)}; {Number(TrainerOptions.Exp3.LearningRate)} for a unet model)", Placeholder: "X"),
            Seed($"the training draws (default {FluxDefaults.Training.Seed})"),
            new("--structure", "a structure term added to the loss: a C# variable holding Func<IVectorField, Tensor, Tensor> (field, batch → 0-d tensor)", Placeholder: "G"),
            new("--weight", "weight λ of the structure term (default 1)", Placeholder: "X"),
        ]),
        new("sample", "Draws samples and shows them against the data, with sample-quality metrics.", [Name()],
        [
            new("--n", $"number of samples (default {FluxDefaults.Sampling.N})"),
            new("--sampler", "sampler (default: langevin, or reverse-sde for annealed models; heun, pc and ode need an annealed model)", Placeholder: string.Join("|", ModelChoices.Samplers), Choices: ModelChoices.Samplers),
            new("--steps", $"sampler steps (default {FluxDefaults.LangevinSteps} Langevin, {FluxDefaults.ReverseSdeSteps} reverse SDE, {FluxDefaults.HeunSteps} Heun, {FluxDefaults.PredictorCorrectorSteps} PC; ode adapts)"),
            new("--step-size", $"Langevin step size ε (default {Number(FluxDefaults.LangevinStepSize)})", Placeholder: "X"),
            Seed($"the sampler (default {FluxDefaults.Sampling.Seed})"),
        ]),
        new("plot", "Plots the learned field: arrows, streamlines, curl, divergence, sampler trajectories (default --field); for D ≠ 2 a pairs grid, the projected field and marginals.", [Name()],
        [
            new("--field", "arrows of the field over the data", OptionKind.Flag),
            new("--streamlines", "streamlines of the field", OptionKind.Flag),
            new("--curl", "curl map ∂f_y/∂x − ∂f_x/∂y", OptionKind.Flag),
            new("--divergence", "divergence map ∇·f", OptionKind.Flag),
            new("--trajectories", "sampler trajectories", OptionKind.Flag),
            new("--pairs", "pairs grid of data against samples, with sample metrics (default for D ≠ 2)", OptionKind.Flag),
            new("--marginals", "histograms of each coordinate, data against samples", OptionKind.Flag),
            new("--grid", "image models: a grid of samples (EMA weights) beside a grid of data images (default for image data)", OptionKind.Flag),
            new("--project", "axes of D-dimensional charts: the first coordinates or principal components (default coords)", Placeholder: "coords|pca", Choices: Projections),
            new("--dims", "number of axes k of D-dimensional charts (default min(D, 4), at most 8)"),
        ]),
        new("info", "Describes one model, or lists all models.", [Name(required: false)], []),
        new("save", "Saves a model to a checkpoint file (and its .json sidecar).", [Name(), new("PATH", "checkpoint file")], []),
        new("load", "Loads a checkpoint into a model called NAME (and the C# variable NAME).", [Name(), new("PATH", "checkpoint file")],
        [
            Device("the loaded parameters"),
            new("--field", "the C# variable holding your module, for a model trained with --field VARIABLE", Placeholder: "VARIABLE"),
        ]),
        new("drop", "Forgets a model (and its C# variable) and frees its memory.", [Name()], []),
        new("plotly", "Writes plotly.js into this cell's output (charts need it once per page; done automatically).", [], []),
    ];

    /// <summary>The subcommand called <paramref name="name"/>.</summary>
    public static SubcommandSpec Get(string name) => All.Single(c => c.Name == name);

    /// <summary>A short help text: one usage line per subcommand.</summary>
    public static string Help() =>
        string.Join("\n", All.Select(c => $"{c.Usage}\n    {c.Description}"));

    /// <summary>True when the positional parameter names a model (completes from the registry).</summary>
    internal static bool CompletesModelNames(SubcommandSpec command, PositionalSpec p) =>
        p.Name == "NAME" && command.Name is not ("new" or "load");

    /// <summary>Completion values for a subcommand's positional parameter.</summary>
    internal static IEnumerable<string> Completions(SubcommandSpec command, PositionalSpec p, ModelRegistry registry) =>
        CompletesModelNames(command, p) ? registry.Names() : [];
}
