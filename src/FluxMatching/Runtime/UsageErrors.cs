namespace FluxMatching.Runtime;

using System.Globalization;

/// <summary>
/// How the <c>flux</c> command and the <c>#!flux</c> notebook magic report a mistake: which exceptions are the user's
/// (a bad value, a missing or unreadable file) and their message as one line, without a stack trace or a .NET type.
/// </summary>
public static class UsageErrors
{
    /// <summary>True for the exceptions a bad command raises: argument errors (bad values), file errors and invalid
    /// files, and operations the current state does not allow.</summary>
    /// <param name="exception">The exception.</param>
    public static bool IsUsageError(Exception exception) =>
        exception is ArgumentException or IOException or InvalidDataException or UnauthorizedAccessException
            or NotSupportedException or InvalidOperationException;

    /// <summary>The first line of a message, without the " (Parameter 'x')" suffix .NET appends to argument errors
    /// (whose second line, "Actual value was …", goes too).</summary>
    /// <param name="message">An exception message.</param>
    public static string OneLine(string? message)
    {
        var line = (message ?? "").Split('\n')[0].Trim();
        int p = line.IndexOf(" (Parameter '", StringComparison.Ordinal);
        return p > 0 ? line[..p] : line;
    }

    /// <summary>The exception's message as one line (<see cref="OneLine(string?)"/>) that also names the value: an
    /// <see cref="ArgumentOutOfRangeException"/> whose message does not quote its actual value gets ", got X".</summary>
    /// <param name="exception">The exception.</param>
    public static string OneLine(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var line = OneLine(exception.Message);
        if (exception is ArgumentOutOfRangeException { ActualValue: { } actual })
        {
            var value = actual switch
            {
                double.PositiveInfinity => "Infinity",
                double.NegativeInfinity => "-Infinity",
                double d => d.ToString("R", CultureInfo.InvariantCulture),
                _ => Convert.ToString(actual, CultureInfo.InvariantCulture) ?? "",
            };
            bool named = line.Contains("got ", StringComparison.Ordinal) || line.Contains($"'{value}'", StringComparison.Ordinal)
                         || line.Contains($" {value} ", StringComparison.Ordinal);
            if (value.Length > 0 && !named)
            {
                line = $"{line.TrimEnd('.')}; got {value}.";
            }
        }
        return line;
    }
}
