namespace FluxMatching.Experiments;

using System.Globalization;

/// <summary>Writes every W2 evaluation of a springs run as one line, at once and on the reporting thread (so that in a
/// notebook the lines stay in the cell that trains; <see cref="Progress{T}"/> would post them later).</summary>
/// <param name="name">The run's label, printed at the start of each line.</param>
/// <param name="writer">Where the lines go (null: <see cref="Console.Out"/>).</param>
public sealed class W2ProgressWriter(string name, TextWriter? writer = null) : IProgress<W2Evaluation>
{
    private readonly TextWriter writer = writer ?? Console.Out;

    /// <summary>Writes "name step k: W2 = w (s seconds)".</summary>
    /// <param name="value">The evaluation.</param>
    public void Report(W2Evaluation value)
    {
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {name,-11} step {value.Step,5}: W2 = {value.W2,9:F3}   ({value.Seconds:F1} s)"));
    }
}
