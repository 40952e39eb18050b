namespace FluxMatching.Interactive.Magic;

using FluxMatching.Fields;
using FluxMatching.Training;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.DotNet.Interactive.CSharp;
using static TorchSharp.torch;

/// <summary><c>--structure G [--weight λ]</c> of <c>#!flux train</c>: a C# function of the field and the batch added
/// to the loss (<see cref="StructureTerm"/>).</summary>
internal static class StructureArgument
{
    /// <summary>The options with the structure term added (unchanged without <c>--structure</c>).</summary>
    public static TrainerOptions Apply(TrainerOptions options, FluxArguments args, CSharpKernel? csharp)
    {
        var value = args.Value("--structure");
        if (value is null)
        {
            if (args.Has("--weight"))
            {
                throw new FluxUsageException($"{args.Prefix}: --weight needs --structure G (the term it weighs).");
            }

            return options;
        }
        double weight = args.Double("--weight", 1.0, double.IsFinite, "a finite number");
        if (!SyntaxFacts.IsValidIdentifier(value) || csharp is null || !csharp.TryGetValue<object>(value, out var live) || live is null)
        {
            throw new FluxUsageException($"{args.Prefix}: --structure '{value}' is not a C# variable; define e.g. Func<IVectorField, Tensor, Tensor> {value} = (f, x) => …; in a C# cell.");
        }

        var label = $"structure term '{value}'";
        StructureTerm term = live switch
        {
            StructureTerm t => t with { Weight = args.Has("--weight") ? weight : t.Weight, Label = label },
            Func<IVectorField, Tensor, Tensor> g => new StructureTerm(g, weight, label),
            Func<TrainableField, Tensor, Tensor> g => new StructureTerm((f, x) => g((TrainableField)f, x), weight, label),
            _ => throw new FluxUsageException(
                $"{args.Prefix}: the C# variable '{value}' is a {live.GetType().Name.Split('`')[0]}; --structure takes a Func<IVectorField, Tensor, Tensor> (field, batch [B, D] → a 0-d tensor) or a StructureTerm."),
        };
        return term.AddTo(options);
    }
}
