namespace FluxMatching.Runtime;

using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

/// <summary>The instruction sets the fused CPU kernels are written for, narrowest first.</summary>
public enum InstructionSet
{
    /// <summary>No custom kernel: every operation runs in libtorch (the path that always works).</summary>
    None = 0,

    /// <summary>256-bit registers with fused multiply-add (AVX2 + FMA; 16 registers).</summary>
    Avx2 = 1,

    /// <summary>512-bit registers (AVX-512 F; 32 registers).</summary>
    Avx512 = 2,
}

/// <summary>
/// The one place the fused CPU kernels' instruction set is chosen: the widest this CPU runs natively, lowered by the
/// environment variable <c>FLUX_ISA=avx512|avx2|none</c> (for testing the narrower paths on a wider CPU; a value the
/// CPU cannot run is refused). Kernels read <see cref="Current"/> on the calling thread when a call starts (a test's
/// <see cref="Force"/> flows to their <see cref="KernelPool"/> workers with the execution context); a plan that outlives
/// the call, such as <see cref="FusedMlpDrift"/>, keeps the set it was made for.
/// </summary>
public static class Isa
{
    /// <summary>Name of the environment variable that lowers the instruction set.</summary>
    public const string Variable = "FLUX_ISA";

    /// <summary>Padding multiple of the fused kernels' point blocks (covers every register width).</summary>
    internal const int Block = 16;

    private static readonly AsyncLocal<InstructionSet?> Forced = new();
    private static readonly Lazy<(InstructionSet Value, string? Error)> FromEnvironment = new(Read);

    /// <summary>The widest instruction set this CPU (and the .NET JIT on it) runs natively.</summary>
    public static InstructionSet Best { get; } =
        Vector512.IsHardwareAccelerated && Avx512F.IsSupported ? InstructionSet.Avx512
        : Vector256.IsHardwareAccelerated && Avx2.IsSupported && Fma.IsSupported ? InstructionSet.Avx2
        : InstructionSet.None;

    /// <summary>Every instruction set this CPU runs, narrowest first (always includes <see cref="InstructionSet.None"/>).</summary>
    public static IReadOnlyList<InstructionSet> Available { get; } =
        [.. Enum.GetValues<InstructionSet>().Where(s => s <= Best)];

    /// <summary>The instruction set the kernels use now: <see cref="Best"/>, or lower as <c>FLUX_ISA</c> asks (or a
    /// test's <see cref="Force"/> on this logical call flow).</summary>
    /// <exception cref="ArgumentException"><c>FLUX_ISA</c> names an unknown set or one this CPU cannot run.</exception>
    public static InstructionSet Current
    {
        get
        {
            if (Forced.Value is { } forced)
            {
                return forced;
            }

            var (value, error) = FromEnvironment.Value;
            return error is null ? value : throw new ArgumentException(error);
        }
    }

    /// <summary>True when the kernels use 512-bit registers now (else 256-bit ones, or none at all).</summary>
    internal static bool Wide => Current == InstructionSet.Avx512;

    /// <summary>True when the fused kernels run at all (false: <c>FLUX_ISA=none</c> or a CPU without AVX2 + FMA).</summary>
    internal static bool Kernels => Current != InstructionSet.None;

    /// <summary>The lower-case name used by <c>FLUX_ISA</c> and <c>flux bench</c> ("avx512", "avx2", "none").</summary>
    /// <param name="set">The instruction set.</param>
    public static string Name(InstructionSet set) => set.ToString().ToLowerInvariant();

    /// <summary>
    /// Parses a <c>FLUX_ISA</c> value (case-insensitive, blank = <see cref="Best"/>).
    /// </summary>
    /// <param name="value">avx512, avx2, none, or blank.</param>
    /// <param name="best">The widest set the CPU runs.</param>
    /// <param name="set">The chosen set.</param>
    /// <param name="error">Why the value is refused, one line naming it and what the CPU supports; else null.</param>
    /// <returns>True when the value is accepted.</returns>
    internal static bool TryParse(string? value, InstructionSet best, out InstructionSet set, out string? error)
    {
        set = best;
        error = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            return true;
        }

        string supported = string.Join("|", Enum.GetValues<InstructionSet>().Where(s => s <= best).Reverse().Select(Name));
        var match = Enum.GetValues<InstructionSet>().Where(s => Name(s) == value.Trim().ToLowerInvariant()).ToList();
        if (match.Count == 0)
        {
            error = $"{Variable}={value} is not an instruction set: use avx512, avx2 or none (this CPU supports {supported}).";
            return false;
        }

        if (match[0] > best)
        {
            error = $"{Variable}={value} cannot run on this CPU: it supports {supported}.";
            return false;
        }

        set = match[0];
        return true;
    }

    /// <summary>Runs the kernels on <paramref name="set"/> for the rest of this logical call flow (tests run every
    /// kernel on every set the machine executes). Dispose the result to restore the previous choice.</summary>
    /// <param name="set">An instruction set from <see cref="Available"/>.</param>
    internal static IDisposable Force(InstructionSet set)
    {
        if (set > Best)
        {
            throw new ArgumentOutOfRangeException(nameof(set), set, $"This CPU runs at most {Name(Best)}.");
        }

        var previous = Forced.Value;
        Forced.Value = set;
        return new Restore(previous);
    }

    private static (InstructionSet, string?) Read() =>
        TryParse(Environment.GetEnvironmentVariable(Variable), Best, out var set, out var error)
            ? (set, null)
            : (InstructionSet.None, error);

    private sealed class Restore(InstructionSet? previous) : IDisposable
    {
        public void Dispose() => Forced.Value = previous;
    }
}
