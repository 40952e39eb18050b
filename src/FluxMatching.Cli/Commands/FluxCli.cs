namespace FluxMatching.Cli.Commands;

using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;

/// <summary>The `flux` command tree: train, sample, verify-reference, bench.</summary>
internal static partial class FluxCli
{
    /// <summary>The root command with every subcommand.</summary>
    public static RootCommand Root() => new("flux: train, sample, verify and benchmark Flux Matching models (arXiv 2605.07319).")
    {
        TrainCommand.Create(),
        SampleCommand.Create(),
        VerifyReferenceCommand.Create(),
        BenchCommand.Create(),
        VelocityCommand.Create(),
        QualityCommand.Create(),
    };

    /// <summary>Parses and runs a command line; returns the exit code (0 success, 2 a usage error printed as one line).</summary>
    /// <param name="args">The arguments after `flux`.</param>
    public static int Run(string[] args)
    {
        var result = Root().Parse(args);
        bool help = args.Any(a => a is "--help" or "-h" or "-?" or "--version");
        if (result.Errors.Count == 0 || help)
        {
            return result.Invoke();
        }

        var line = Describe(result);
        Console.Error.WriteLine(line.StartsWith("flux", StringComparison.Ordinal) ? line : $"flux: {line}");
        return 2;
    }

    /// <summary>The first parse error as one line: the option, the value and what is allowed (no .NET type names,
    /// no help text).</summary>
    internal static string Describe(ParseResult result)
    {
        var command = result.CommandResult.Command;
        var path = command is RootCommand ? "flux" : $"flux {command.Name}";
        var options = string.Join(", ", command.Options.Where(o => !o.Hidden && o.Name.StartsWith("--", StringComparison.Ordinal)).Select(o => o.Name));
        var commands = string.Join(", ", command.Subcommands.Select(c => c.Name));
        foreach (var error in result.Errors)
        {
            var message = error.Message;
            var m = CannotParse().Match(message);
            if (m.Success)
            {
                return $"{path}: {m.Groups["option"].Value} '{m.Groups["value"].Value}' is not {Allowed(m.Groups["type"].Value)}.";
            }
            m = Unrecognized().Match(message);
            if (m.Success)
            {
                var token = m.Groups["token"].Value;
                return command.Subcommands.Count > 0
                    ? $"{path}: unknown command '{token}'. Allowed: {commands}."
                    : token.StartsWith('-')
                        ? $"{path}: unknown option '{token}'. Allowed: {options}."
                        : $"{path}: unexpected word '{token}'. Allowed options: {options}.";
            }
        }
        foreach (var error in result.Errors)
        {
            var message = error.Message;
            if (NotMatched().IsMatch(message))
            {
                continue;   // the "did you mean" lines: the unrecognized error says it
            }

            if (message.StartsWith("Required command was not provided", StringComparison.Ordinal))
            {
                return $"{path}: a command is needed. Allowed: {commands} (flux --help describes them).";
            }

            if (message.StartsWith("Required argument missing", StringComparison.Ordinal) && command.Arguments.FirstOrDefault() is { } argument)
            {
                return $"{path}: the {argument.Name} argument is missing ({argument.Description}).";
            }

            var line = Runtime.UsageErrors.OneLine(message);
            return line.Contains("--", StringComparison.Ordinal) ? line : $"{path}: {line} (flux {command.Name} --help lists the options).";
        }
        return $"{path}: {Runtime.UsageErrors.OneLine(result.Errors[0].Message)}";
    }

    private static string Allowed(string type) => type switch
    {
        "System.Int32" => "a whole number from -2147483648 to 2147483647",
        "System.Int64" => "a whole number from -9223372036854775808 to 9223372036854775807",
        "System.Double" or "System.Single" => "a number",
        "System.Boolean" => "true or false",
        _ => "a valid value",
    };

    [GeneratedRegex(@"^Cannot parse argument '(?<value>.*)' for option '(?<option>[^']+)' as expected type '(?<type>[^']+)'", RegexOptions.Singleline)]
    private static partial Regex CannotParse();

    [GeneratedRegex(@"^Unrecognized command or argument '(?<token>.*)'\.?$", RegexOptions.Singleline)]
    private static partial Regex Unrecognized();

    [GeneratedRegex(@"^'.*' was not matched\.", RegexOptions.Singleline)]
    private static partial Regex NotMatched();
}
