namespace FluxMatching.Interactive.Magic;

using System.Globalization;

/// <summary>
/// A parsed <c>#!flux</c> line: the subcommand, its positional values and its options, with typed getters that
/// validate and throw <see cref="FluxUsageException"/> naming the option, the value and what is allowed.
/// Parsing is strict: unknown subcommands and options, missing values, repeated options and extra words are errors.
/// </summary>
internal sealed class FluxArguments
{
    private readonly Dictionary<string, string> positionals;
    private readonly Dictionary<string, string?> options;

    private FluxArguments(SubcommandSpec command, Dictionary<string, string> positionals, Dictionary<string, string?> options)
    {
        Command = command;
        this.positionals = positionals;
        this.options = options;
    }

    /// <summary>The subcommand.</summary>
    public SubcommandSpec Command { get; }

    /// <summary>Parses a whole line starting with <c>#!flux</c>.</summary>
    /// <param name="line">The directive text.</param>
    /// <param name="commands">The known subcommands.</param>
    /// <param name="variable">Looks up a C# variable for a <c>@csharp:name</c> word (null: such words stay as written).</param>
    public static FluxArguments Parse(string line, IReadOnlyList<SubcommandSpec> commands, Func<string, object?>? variable = null)
    {
        var words = DirectiveTokenizer.Tokenize(line);
        if (variable is not null)
        {
            words = words.Select(w => Bind(w, variable)).ToList();
        }

        if (words.Count > 0 && words[0] == FluxCommandSet.DirectiveName)
        {
            words.RemoveAt(0);
        }

        var allowed = string.Join(", ", commands.Select(c => c.Name));
        if (words.Count == 0)
        {
            throw new FluxUsageException($"{FluxCommandSet.DirectiveName} needs a subcommand: {allowed}. Example: #!flux new m --data ring");
        }

        var command = commands.FirstOrDefault(c => c.Name == words[0])
            ?? throw new FluxUsageException($"Unknown subcommand '{words[0]}' for {FluxCommandSet.DirectiveName}. Allowed: {allowed}.");
        var prefix = $"{FluxCommandSet.DirectiveName} {command.Name}";
        var positionals = new Dictionary<string, string>();
        var options = new Dictionary<string, string?>();
        for (int i = 1; i < words.Count; i++)
        {
            var word = words[i];
            if (word.StartsWith("--", StringComparison.Ordinal) && word.IndexOf('=') is > 2 and var eq)
            {
                words.Insert(i + 1, word[(eq + 1)..]);   // --steps=100 is --steps 100
                word = word[..eq];
            }
            if (word.StartsWith("--", StringComparison.Ordinal) && Alias(command, word) is { } positional)
            {
                if (i + 1 >= words.Count)
                {
                    throw new FluxUsageException($"{prefix}: option {word} needs a value ({positional.Name}).");
                }

                if (positionals.ContainsKey(positional.Name))
                {
                    throw new FluxUsageException($"{prefix}: {positional.Name} is given twice.");
                }

                positionals[positional.Name] = words[++i];
                continue;
            }
            if (word.StartsWith("--", StringComparison.Ordinal))
            {
                var option = command.Option(word) ?? throw new FluxUsageException(UnknownOption(prefix, word, command));
                if (options.ContainsKey(option.Name))
                {
                    throw new FluxUsageException($"{prefix}: option {option.Name} is given twice.");
                }

                string? value = null;
                if (option.Kind == OptionKind.Value)
                {
                    if (i + 1 >= words.Count || IsOptionName(words[i + 1]))
                    {
                        throw new FluxUsageException($"{prefix}: option {option.Name} needs a value ({option.Placeholder}).");
                    }

                    value = words[++i];
                    if (option.Choices is { } choices && !choices.Contains(value))
                    {
                        throw new FluxUsageException($"{prefix}: '{value}' is not a valid {option.Name}. Allowed: {string.Join(", ", choices)}.");
                    }
                }
                options[option.Name] = value;
                continue;
            }
            var slot = command.Positionals.FirstOrDefault(p => !positionals.ContainsKey(p.Name))
                ?? throw new FluxUsageException($"{prefix}: unexpected word '{word}'. Usage: {command.Usage}");
            positionals[slot.Name] = word;
        }
        var missing = command.Positionals.FirstOrDefault(p => p.Required && !positionals.ContainsKey(p.Name));
        if (missing is not null)
        {
            throw new FluxUsageException($"{prefix}: {missing.Name} is missing ({missing.Description}). Usage: {command.Usage}");
        }

        return new FluxArguments(command, positionals, options);
    }

    /// <summary>The positional value, or null when it was not given.</summary>
    public string? Positional(string name) => this.positionals.GetValueOrDefault(name);

    /// <summary>True when the option (flag or value) was given.</summary>
    public bool Has(string option) => this.options.ContainsKey(option);

    /// <summary>The raw value of an option, or null when it was not given.</summary>
    public string? Value(string option) => this.options.GetValueOrDefault(option);

    /// <summary>An integer option in [<paramref name="min"/>, <paramref name="max"/>] (1e4 style is accepted).</summary>
    public int Int(string option, int fallback, int min, int max = int.MaxValue) =>
        (int)Long(option, fallback, min, max);

    /// <summary>A 64-bit integer option in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public long Long(string option, long fallback, long min = long.MinValue, long max = long.MaxValue)
    {
        var text = Value(option);
        if (text is null)
        {
            return fallback;
        }

        long value;
        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value))
        {
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || d != Math.Floor(d)
                || d < long.MinValue || d > long.MaxValue)
            {
                throw new FluxUsageException($"{Prefix}: {option} must be a whole number{Range(min, max)}, got '{text}'.");
            }

            value = (long)d;
        }
        if (value < min || value > max)
        {
            throw new FluxUsageException($"{Prefix}: {option} must be a whole number{Range(min, max)}, got {value}.");
        }

        return value;
    }

    /// <summary>A real-valued option that satisfies <paramref name="valid"/>.</summary>
    /// <param name="option">The option name.</param>
    /// <param name="fallback">Value when the option is absent.</param>
    /// <param name="valid">The allowed range.</param>
    /// <param name="allowed">The range in words, e.g. "a number > 0".</param>
    public double Double(string option, double fallback, Func<double, bool> valid, string allowed)
    {
        var text = Value(option);
        if (text is null)
        {
            return fallback;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            throw new FluxUsageException($"{Prefix}: {option} must be {allowed}, got '{text}'.");
        }

        if (!valid(value))
        {
            throw new FluxUsageException($"{Prefix}: {option} must be {allowed}, got {text}.");
        }

        return value;
    }

    /// <summary>"#!flux train", for messages.</summary>
    public string Prefix => $"{FluxCommandSet.DirectiveName} {Command.Name}";

    /// <summary>Replaces a <c>@csharp:name</c> word by the variable's value (invariant culture).</summary>
    private static string Bind(string word, Func<string, object?> variable)
    {
        const string prefix = "@csharp:";
        if (!word.StartsWith(prefix, StringComparison.Ordinal))
        {
            return word;
        }

        var name = word[prefix.Length..];
        var value = variable(name)
            ?? throw new FluxUsageException($"{FluxCommandSet.DirectiveName}: there is no C# variable '{name}' (from {word}).");
        return Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
    }

    /// <summary>The positional that "--name" / "--path" spells out (notebook completion offers "--name"), or null.</summary>
    private static PositionalSpec? Alias(SubcommandSpec command, string word) =>
        command.Positionals.FirstOrDefault(p => word == "--" + p.Name.ToLowerInvariant());

    private static bool IsOptionName(string word) => word.StartsWith("--", StringComparison.Ordinal) && word.Length > 2 && char.IsLetter(word[2]);

    private static string UnknownOption(string prefix, string word, SubcommandSpec command) =>
        command.Options.Count == 0
            ? $"{prefix}: unknown option '{word}'; {command.Name} takes no options. Usage: {command.Usage}"
            : $"{prefix}: unknown option '{word}'. Allowed: {string.Join(", ", command.Options.Select(o => o.Name))}.";

    private static string Range(long min, long max) =>
        (min, max) switch
        {
            (long.MinValue, long.MaxValue) => "",
            (_, long.MaxValue) or (_, int.MaxValue) => $" ≥ {min}",
            _ => $" from {min} to {max}",
        };
}
