namespace FluxMatching.Interactive.Session;

using FluxMatching.Interactive.Magic;
using FluxMatching.Models;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.CSharp;

/// <summary>
/// The models of a notebook session by name. A model made by <c>#!flux new</c> or <c>#!flux load</c> is also a C#
/// variable of that name (type <see cref="FluxModel"/>), and a <see cref="FluxModel"/> variable made in C# is a
/// model for <c>#!flux</c>: the C# kernel's variables are looked up first, so reassigning the variable in C# is seen.
/// </summary>
internal sealed class ModelRegistry
{
    private readonly Dictionary<string, FluxModel> models = new(StringComparer.Ordinal);
    private readonly Func<CSharpKernel?> csharp;
    private readonly object gate = new();

    /// <summary>Creates a registry over the C# kernel that <paramref name="csharp"/> returns (null: no sharing).</summary>
    public ModelRegistry(Func<CSharpKernel?> csharp) => this.csharp = csharp;

    /// <summary>Finds the C# kernel of a composite kernel (null when there is none).</summary>
    public static CSharpKernel? FindCSharpKernel(Kernel root) =>
        root as CSharpKernel ?? (root as CompositeKernel)?.ChildKernels.OfType<CSharpKernel>().FirstOrDefault();

    /// <summary>All model names, sorted.</summary>
    public IReadOnlyList<string> Names()
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        lock (gate)
        {
            names.UnionWith(this.models.Keys);
        }

        if (this.csharp() is { ScriptState: { } state })
        {
            foreach (var v in state.Variables)
            {
                if (v.Value is FluxModel)
                {
                    names.Add(v.Name);
                }
            }
        }

        return names.ToList();
    }

    /// <summary>The model called <paramref name="name"/>, or null.</summary>
    public FluxModel? TryGet(string name)
    {
        if (this.csharp() is { } cs && cs.TryGetValue<object>(name, out var value))
        {
            if (value is FluxModel shared)
            {
                return shared;
            }
        }
        lock (gate)
        {
            return this.models.GetValueOrDefault(name);
        }
    }

    /// <summary>The model called <paramref name="name"/>.</summary>
    /// <exception cref="FluxUsageException">There is no such model; the message lists the models there are.</exception>
    public FluxModel Get(string name, string prefix)
    {
        ValidateName(name, prefix);
        return TryGet(name) ?? throw new FluxUsageException(Missing(name, prefix));
    }

    /// <summary>Adds or replaces a model and shares it with the C# kernel as a variable of the same name.</summary>
    public async Task SetAsync(string name, FluxModel model)
    {
        lock (gate)
        {
            this.models[name] = model;
        }

        if (this.csharp() is { } cs)
        {
            await cs.SetValueAsync(name, model, typeof(FluxModel));
        }
    }

    /// <summary>Forgets the model called <paramref name="name"/>; the C# variable of that name becomes null when it
    /// holds this model.</summary>
    public async Task RemoveAsync(string name, FluxModel model)
    {
        lock (gate)
        {
            if (this.models.TryGetValue(name, out var held) && ReferenceEquals(held, model))
            {
                this.models.Remove(name);
            }
        }
        if (this.csharp() is { } cs && cs.TryGetValue<object>(name, out var value) && ReferenceEquals(value, model))
        {
            await cs.SetValueAsync(name, null!, typeof(FluxModel));
        }
    }

    /// <summary>Checks that <paramref name="name"/> can be a C# variable name (an identifier, not a keyword).</summary>
    /// <exception cref="FluxUsageException">It cannot.</exception>
    public static void ValidateName(string name, string prefix)
    {
        if (!SyntaxFacts.IsValidIdentifier(name) || SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None
            || SyntaxFacts.GetContextualKeywordKind(name) is SyntaxKind.VarKeyword)
        {
            throw new FluxUsageException(
                $"{prefix}: '{name}' is not a valid model name. A name must be a C# identifier (letters, digits and _, " +
                "not starting with a digit, not a keyword), because the model also becomes a C# variable.");
        }
    }

    private string Missing(string name, string prefix)
    {
        var names = Names();
        var list = names.Count == 0 ? "there are no models yet" : "models: " + string.Join(", ", names);
        return $"{prefix}: no model named '{name}' ({list}). Create one with: #!flux new {name} --data ring";
    }
}
