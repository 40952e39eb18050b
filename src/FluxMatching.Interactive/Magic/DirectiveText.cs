namespace FluxMatching.Interactive.Magic;

using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.DotNet.Interactive.Commands;

/// <summary>
/// Recovers the exact text of a magic-command line. The kernel's parser drops unknown options and stray words
/// silently; <c>#!flux</c> parses the raw line itself so that every mistake gets a message.
/// </summary>
internal static class DirectiveText
{
    private static readonly PropertyInfo? NodeProperty =
        typeof(KernelDirectiveCommand).GetProperty("DirectiveNode", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public);

    private static readonly ConditionalWeakTable<KernelCommand, StrongBox<int>> SeenPerSubmission = new();

    /// <summary>The directive line that produced <paramref name="command"/>.</summary>
    /// <exception cref="FluxUsageException">The line cannot be recovered.</exception>
    public static string Of(KernelDirectiveCommand command)
    {
        // 1. The parsed node (the kernel package is frozen at 1.0.0-beta.26120.1; the property is internal there).
        var node = NodeProperty?.GetValue(command);
        //    FullText, not Text: Text drops a trailing subcommand that has no parameters ("#!flux new" → "#!flux").
        if (node?.GetType().GetProperty("FullText")?.GetValue(node) is string text && text.Trim().Length > 0)
        {
            return text.Trim();
        }

        // 2. The n-th #!flux line of the submitted code, n counting the #!flux commands of that submission.
        if (command.Parent is SubmitCode submit)
        {
            var lines = submit.Code.Split('\n').Select(l => l.Trim())
                .Where(l => l == FluxCommandSet.DirectiveName || l.StartsWith(FluxCommandSet.DirectiveName + " ", StringComparison.Ordinal))
                .ToList();
            var seen = SeenPerSubmission.GetOrCreateValue(submit);
            int index = seen.Value++;
            if (index < lines.Count)
            {
                return lines[index];
            }
        }
        throw new FluxUsageException($"{FluxCommandSet.DirectiveName}: cannot read the command line; write it on a line of its own.");
    }
}
