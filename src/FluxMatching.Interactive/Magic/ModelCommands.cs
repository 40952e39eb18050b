namespace FluxMatching.Interactive.Magic;

using FluxMatching.Interactive.Formatters;
using FluxMatching.Interactive.Html;
using FluxMatching.Interactive.Runtime;
using FluxMatching.Interactive.Session;
using FluxMatching.Models;
using FluxMatching.Plotting;
using FluxMatching.Runtime;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Formatting;
using static TorchSharp.torch;

/// <summary><c>#!flux new | info | save | load | plotly</c>.</summary>
internal static class ModelCommands
{
    /// <summary><c>#!flux new NAME --data … [--field mlp|…] [--hidden N] [--depth N] [--sigma2 X | --annealed …]
    /// [--loss flux|dsm] [--mixing X] [--device cpu|cuda]</c>.</summary>
    public static async Task NewAsync(NotebookSession session, FluxArguments args, KernelInvocationContext context)
    {
        var name = args.Positional("NAME")!;
        ModelRegistry.ValidateName(name, args.Prefix);
        bool unet = string.Equals(args.Value("--field"), "unet", StringComparison.OrdinalIgnoreCase);
        bool annealed = args.Has("--annealed") || unet;   // the U-Net is σ-conditioned
        if (annealed && args.Has("--sigma2"))
        {
            throw new FluxUsageException($"{args.Prefix}: use either --sigma2 X (fixed σ) or --annealed [--sigma-min X] [--sigma-max X], not both.");
        }

        if (!annealed && (args.Has("--sigma-min") || args.Has("--sigma-max")))
        {
            throw new FluxUsageException($"{args.Prefix}: --sigma-min and --sigma-max need --annealed (fixed-σ models take --sigma2 X).");
        }

        var defaults = FluxDefaults.Model;
        var userData = UserDataArguments.Build(args, ModelRegistry.FindCSharpKernel(session.Root));
        var config = defaults with
        {
            Data = userData?.Name ?? args.Value("--data") ?? defaults.Data,
            Hidden = args.Int("--hidden", defaults.Hidden, 1, 65536),
            Depth = args.Int("--depth", defaults.Depth, 1, 64),
            Components = args.Int("--components", defaults.Components, 1, 4096),
            Sigma2 = args.Double("--sigma2", defaults.Sigma2, v => v > 0, "a number > 0"),
            Annealed = annealed,
            SigmaMin = args.Double("--sigma-min", defaults.SigmaMin, v => v > 0, "a number > 0"),
            SigmaMax = args.Double("--sigma-max", defaults.SigmaMax, v => v > 0, "a number > 0"),
            Loss = args.Value("--loss") is { } loss ? ModelChoices.ParseLoss(loss) : defaults.Loss,
            Mixing = args.Double("--mixing", defaults.Mixing, v => v >= 0, "a number ≥ 0"),
        };
        config = FieldArgument.Apply(ImageArguments(config, args), args, ModelRegistry.FindCSharpKernel(session.Root), userData);
        config = ModelChoices.WithImageDefaults(config, ModelChoices.ParseSigmaDistribution(args.Value("--sigma-dist")));
        if (unet && (args.Has("--sigma-min") || args.Has("--sigma-max")))
        {
            config = config with { SigmaMin = args.Double("--sigma-min", config.SigmaMin, v => v > 0, "a number > 0"), SigmaMax = args.Double("--sigma-max", config.SigmaMax, v => v > 0, "a number > 0") };
        }
        if (config.SigmaMax <= config.SigmaMin)
        {
            throw new FluxUsageException($"{args.Prefix}: --sigma-max ({config.SigmaMax}) must be greater than --sigma-min ({config.SigmaMin}).");
        }

        long seed = args.Long("--seed", 0);
        var device = ResolveDevice(args);
        var model = new FluxModel(config, userData, seed, device);
        if (model.Field is FluxMatching.Fields.ModuleField module)
        {
            using var probe = model.Data.Sample(2, null, model.Device);
            module.Check(probe);   // a shape mismatch is one line now, not in the middle of training
        }
        await session.Models.SetAsync(name, model);
        context.DisplayAs(ModelHtml.Render(model, name), HtmlFormatter.MimeType);
    }

    /// <summary><c>#!flux info [NAME]</c>: one model's card, or the list of models.</summary>
    /// <summary>The U-Net and image options of <c>#!flux new</c> (parsing shared with <c>flux train</c>).</summary>
    private static FluxModelConfig ImageArguments(FluxModelConfig config, FluxArguments args)
    {
        try
        {
            var multipliers = args.Value("--channel-mults") is { } m ? ModelChoices.ParseIntList(m, "--channel-mults") : config.ChannelMultipliers;
            var attention = args.Value("--attention") is { } a
                ? ModelChoices.ParseAttentionLevels(a, multipliers.Count)
                : multipliers.Count == config.AttentionLevels.Count ? config.AttentionLevels : new bool[multipliers.Count];
            return config with
            {
                Channels = args.Int("--channels", config.Channels, 32, 4096), ChannelMultipliers = multipliers, AttentionLevels = attention,
                Blocks = args.Int("--blocks", config.Blocks, 1, 16),
                Dropout = args.Double("--dropout", config.Dropout, v => v >= 0 && v < 1, "a number in [0, 1)"),
                PerSampleSigma = args.Has("--per-sample-sigma"), HorizontalFlips = args.Has("--flip"),
                CalibrateNormalizer = args.Has("--calibrate-normalizer"),
            };
        }
        catch (ArgumentException e)
        {
            throw new FluxUsageException($"{args.Prefix}: {e.Message}");
        }
    }

    public static Task Info(NotebookSession session, FluxArguments args, KernelInvocationContext context)
    {
        if (args.Positional("NAME") is { } name)
        {
            context.DisplayAs(ModelHtml.Render(session.Models.Get(name, args.Prefix), name), HtmlFormatter.MimeType);
            return Task.CompletedTask;
        }
        var names = session.Models.Names();
        var backend = NativeBackend.Probe();
        var rows = names.Select(n => (n, Describe(session.Models.TryGet(n)))).ToList();
        var html = rows.Count == 0
            ? "<div>No models yet. Create one with <code>#!flux new m --data ring</code>.</div>"
            : HtmlText.KeyValueTable(rows.Select(r => (r.n, r.Item2)), $"{rows.Count} model(s)");
        context.DisplayAs(html + $"<div style=\"color:#666\">{HtmlText.Encode(backend.Message)}</div>", HtmlFormatter.MimeType);
        return Task.CompletedTask;
    }

    /// <summary><c>#!flux save NAME PATH</c>.</summary>
    public static async Task SaveAsync(NotebookSession session, FluxArguments args, KernelInvocationContext context)
    {
        var name = args.Positional("NAME")!;
        var model = session.Models.Get(name, args.Prefix);
        var path = FullPath(args.Positional("PATH")!, args.Prefix);
        using (await session.UseAsync(model))
        {
            model.Save(path);
        }

        context.DisplayAs($"Saved {name} ({model.StepsTrained} steps trained) to {path} and {path}.json.", PlainTextFormatter.MimeType);
    }

    /// <summary><c>#!flux load NAME PATH [--device cpu|cuda]</c>: the model becomes NAME (replacing any model of that
    /// name), its parameters on the requested device.</summary>
    public static async Task LoadAsync(NotebookSession session, FluxArguments args, KernelInvocationContext context)
    {
        var name = args.Positional("NAME")!;
        ModelRegistry.ValidateName(name, args.Prefix);
        var path = FullPath(args.Positional("PATH")!, args.Prefix);
        var device = ResolveDevice(args);
        if (Directory.Exists(path))
        {
            throw new FluxUsageException($"{args.Prefix}: '{path}' is a folder; allowed: a checkpoint file.");
        }

        if (!File.Exists(path))
        {
            throw new FluxUsageException($"{args.Prefix}: there is no file '{path}'.");
        }

        FieldArgument.RegisterForLoad(args, ModelRegistry.FindCSharpKernel(session.Root), path);
        var model = FluxModel.Load(path, device);
        await session.Models.SetAsync(name, model);
        context.DisplayAs(ModelHtml.Render(model, name), HtmlFormatter.MimeType);
    }

    /// <summary><c>#!flux drop NAME</c>: the model leaves the session (and its C# variable becomes null) and its
    /// tensors are freed once no command uses it.</summary>
    public static async Task DropAsync(NotebookSession session, FluxArguments args, KernelInvocationContext context)
    {
        var name = args.Positional("NAME")!;
        var model = session.Models.Get(name, args.Prefix);
        await session.Models.RemoveAsync(name, model);
        using (await session.UseAsync(model))
        {
            model.Dispose();
        }

        context.DisplayAs($"Dropped {name}.", PlainTextFormatter.MimeType);
    }

    /// <summary><c>#!flux plotly</c>: writes plotly.js into this output.</summary>
    public static Task Plotly(NotebookSession session, KernelInvocationContext context)
    {
        session.Plotly.Reset();
        var html = session.Plotly.WithPlotlyOnce($"<div class=\"flux-plotly-loaded\">plotly.js {OfflinePlotly.PlotlyJsVersion} is on this page; charts below render offline.</div>");
        context.DisplayAs(html, HtmlFormatter.MimeType);
        return Task.CompletedTask;
    }

    /// <summary>Throws the backend's message when libtorch is not usable.</summary>
    public static BackendInfo Require(string prefix)
    {
        var backend = NativeBackend.Probe();
        if (!backend.Loaded)
        {
            throw new FluxUsageException($"{prefix}: {backend.Message}");
        }

        return backend;
    }

    /// <summary>The device of <c>--device</c> (default cpu), parsed by <see cref="DeviceParser"/>; a CUDA device
    /// that is missing names the package that brings one.</summary>
    private static Device ResolveDevice(FluxArguments args)
    {
        var backend = Require(args.Prefix);
        try
        {
            return DeviceParser.Parse(args.Value("--device") ?? FluxDefaults.Device);
        }
        catch (ArgumentException e) when (backend.Backend != "cuda")
        {
            throw new FluxUsageException($"{args.Prefix}: {e.Message} (backend: {backend.Backend ?? "none"}; reference {NativeBackend.CudaReference} on a machine with an NVIDIA GPU.)");
        }
    }

    private static string FullPath(string path, string prefix)
    {
        try
        {
            return Path.GetFullPath(Environment.ExpandEnvironmentVariables(path));
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new FluxUsageException($"{prefix}: '{path}' is not a valid file path ({e.Message}).");
        }
    }

    private static string Describe(FluxModel? model) =>
        model is null ? "" : HtmlText.Encode($"{model.Data.Name}, {ModelChoices.Name(model.Config.Loss)}, " +
                                             $"{(model.Config.Field == FluxDefaults.Model.Field ? "" : model.Config.Field + " ")}" +
                                             $"{model.Config.Hidden}×{model.Config.Depth}, {model.StepsTrained} steps" +
                                             (model.Data is FluxMatching.Data.UserData { Standardization: not null } ? ", standardized data (samples in data units)" : ""));
}
