namespace FluxMatching.Tests.Runtime;

using FluxMatching.Runtime;

/// <summary>Theory data that runs a kernel test once per instruction set this machine executes
/// (<see cref="Isa.Available"/>: none, avx2 and, where the CPU has it, avx512).</summary>
public static class EveryIsa
{
    /// <summary>One row per available instruction set.</summary>
    public static IEnumerable<object[]> Sets => Isa.Available.Select(s => new object[] { s });

    /// <summary>Every case prefixed by every available instruction set.</summary>
    /// <param name="cases">The test's other arguments, one array per case.</param>
    public static IEnumerable<object[]> With(params object[][] cases) =>
        from set in Isa.Available from c in cases select (object[])[set, .. c];
}
