namespace FluxMatching.Interactive.Magic;

/// <summary>What follows an option: a value (<c>--steps 100</c>) or nothing (<c>--annealed</c>).</summary>
internal enum OptionKind
{
    /// <summary>The option takes one value.</summary>
    Value,

    /// <summary>The option is a switch without a value.</summary>
    Flag,
}

/// <summary>An option of a <c>#!flux</c> subcommand.</summary>
/// <param name="Name">The option, with its dashes ("--steps").</param>
/// <param name="Description">One line for help and completion.</param>
/// <param name="Kind">Value or flag.</param>
/// <param name="Placeholder">How usage shows the value ("N", "X", "ring|moons").</param>
/// <param name="Choices">The allowed values when the value is one of a fixed set (validated while parsing).</param>
/// <param name="Completions">Values notebook completion offers when they are not a fixed set, read at each completion
/// (null: the choices).</param>
internal sealed record OptionSpec(string Name, string Description, OptionKind Kind = OptionKind.Value,
    string Placeholder = "N", IReadOnlyList<string>? Choices = null, Func<IReadOnlyList<string>>? Completions = null)
{
    /// <summary>What notebook completion offers for the value (null: nothing).</summary>
    public IReadOnlyList<string>? Suggestions => Completions?.Invoke() ?? Choices;

    /// <summary>"[--steps N]" or "[--annealed]".</summary>
    public string Usage => Kind == OptionKind.Flag ? $"[{Name}]" : $"[{Name} {Placeholder}]";
}

/// <summary>A positional parameter of a <c>#!flux</c> subcommand (NAME, PATH).</summary>
/// <param name="Name">Upper-case name shown in usage ("NAME").</param>
/// <param name="Description">One line for help and completion.</param>
/// <param name="Required">Whether it must be given.</param>
internal sealed record PositionalSpec(string Name, string Description, bool Required = true)
{
    /// <summary>"NAME" or "[NAME]".</summary>
    public string Usage => Required ? Name : $"[{Name}]";
}

/// <summary>A <c>#!flux</c> subcommand: its words, options and one-line description.</summary>
/// <param name="Name">The subcommand word ("train").</param>
/// <param name="Description">What it does, one line.</param>
/// <param name="Positionals">Positional parameters, in order.</param>
/// <param name="Options">Options, in usage order.</param>
internal sealed record SubcommandSpec(string Name, string Description, IReadOnlyList<PositionalSpec> Positionals,
    IReadOnlyList<OptionSpec> Options)
{
    /// <summary>"#!flux train NAME [--steps N] …".</summary>
    public string Usage => string.Join(" ", new[] { FluxCommandSet.DirectiveName, Name }
        .Concat(Positionals.Select(p => p.Usage)).Concat(Options.Select(o => o.Usage)));

    /// <summary>Finds an option by name, or null.</summary>
    public OptionSpec? Option(string name) => Options.FirstOrDefault(o => o.Name == name);
}
