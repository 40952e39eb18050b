namespace FluxMatching.Interactive.Magic;

/// <summary>
/// A mistake in a <c>#!flux</c> line (bad option, value or name). Its message is shown to the user as is, as the one
/// error of the cell, without a stack trace; the kernel and its models are untouched.
/// </summary>
public sealed class FluxUsageException : Exception
{
    /// <summary>Creates the exception with the sentence shown to the user.</summary>
    /// <param name="message">What was wrong and what is allowed.</param>
    public FluxUsageException(string message) : base(message) { }

    /// <summary>Creates the exception with the sentence shown to the user and the underlying cause.</summary>
    /// <param name="message">What was wrong and what is allowed.</param>
    /// <param name="inner">The exception that revealed the mistake.</param>
    public FluxUsageException(string message, Exception inner) : base(message, inner) { }
}
