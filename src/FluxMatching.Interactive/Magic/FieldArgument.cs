namespace FluxMatching.Interactive.Magic;

using FluxMatching.Data;
using FluxMatching.Fields;
using FluxMatching.Models;
using FluxMatching.Training;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.DotNet.Interactive.CSharp;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// <c>--field F</c> of <c>#!flux new</c> and <c>#!flux load</c>: a built-in field name, or the name of a C# variable
/// holding a TorchSharp <c>Module&lt;Tensor, Tensor&gt;</c> (or a σ-conditioned <c>Module&lt;Tensor, Tensor,
/// Tensor&gt;</c>), registered as the field <c>module:F</c> (<see cref="ModuleField"/>).
/// </summary>
internal static class FieldArgument
{
    /// <summary>The configuration with the field <c>--field</c> names (unchanged without the option).</summary>
    /// <param name="config">The configuration so far (its data name and annealing are read).</param>
    /// <param name="args">The parsed line.</param>
    /// <param name="csharp">The notebook's C# kernel.</param>
    /// <param name="data">The user's data (its sample shape is the module's), or null for a built-in data set.</param>
    public static FluxModelConfig Apply(FluxModelConfig config, FluxArguments args, CSharpKernel? csharp, UserData? data)
    {
        var value = args.Value("--field");
        if (value is null || ModelChoices.Fields.Contains(value))
        {
            return ModelChoices.WithField(config, value);
        }

        var module = Module(value, csharp, args.Prefix);
        long[] shape = data?.SampleShape ?? [ToyDatasets.Create(config.Data).Dimension];
        return config with { Field = ModuleField.Register(value, module, shape) };
    }

    /// <summary>Registers the module <c>--field</c> names before a checkpoint of a module field is loaded.</summary>
    /// <param name="args">The parsed line.</param>
    /// <param name="csharp">The notebook's C# kernel.</param>
    /// <param name="path">The checkpoint.</param>
    public static void RegisterForLoad(FluxArguments args, CSharpKernel? csharp, string path)
    {
        var info = Checkpoint.ReadInfo(path);
        const string prefix = "module:";
        if (!info.Config.Field.StartsWith(prefix, StringComparison.Ordinal))
        {
            return;
        }

        var saved = info.Config.Field[prefix.Length..];
        var value = args.Value("--field")
            ?? throw new FluxUsageException($"{args.Prefix}: '{path}' holds the weights of your module '{saved}'; load it with --field {saved} (a C# variable holding a module of the same architecture).");
        var module = Module(value, csharp, args.Prefix);
        long[] shape = File.Exists(path + ".data.npy") ? NpyData.Read(path + ".data.npy").SampleShape : [info.Dimension];
        ModuleField.Register(saved, module, shape);   // under the saved name, so the configuration finds it
    }

    private static nn.Module Module(string value, CSharpKernel? csharp, string prefix)
    {
        if (!SyntaxFacts.IsValidIdentifier(value) || csharp is null || !csharp.TryGetValue<object>(value, out var live) || live is null)
        {
            throw new FluxUsageException(
                $"{prefix}: --field '{value}' is neither a built-in field ({string.Join(", ", ModelChoices.Fields.Where(n => !n.StartsWith("module:", StringComparison.Ordinal)))}) nor a C# variable holding a TorchSharp module.");
        }

        return live switch
        {
            nn.Module<Tensor, Tensor> or nn.Module<Tensor, Tensor, Tensor> => (nn.Module)live,
            _ => throw new FluxUsageException(
                $"{prefix}: the C# variable '{value}' is a {live.GetType().Name.Split('`')[0]}; --field takes a Module<Tensor, Tensor> (x [B, *S] → [B, *S]) or a σ-conditioned Module<Tensor, Tensor, Tensor> (x, σ [B])."),
        };
    }
}
