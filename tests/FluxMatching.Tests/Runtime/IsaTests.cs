namespace FluxMatching.Tests.Runtime;

using FluxMatching.Runtime;

/// <summary>The instruction-set selector: FLUX_ISA values, refusals and the per-call override.</summary>
public class IsaTests
{
    [Theory]
    [InlineData("avx512", InstructionSet.Avx512, InstructionSet.Avx512)]
    [InlineData("AVX2", InstructionSet.Avx512, InstructionSet.Avx2)]
    [InlineData(" none ", InstructionSet.Avx2, InstructionSet.None)]
    [InlineData("", InstructionSet.Avx2, InstructionSet.Avx2)]
    [InlineData(null, InstructionSet.None, InstructionSet.None)]
    public void Accepted_values_lower_the_widest_set_the_cpu_runs(string? value, InstructionSet best, InstructionSet want)
    {
        Assert.True(Isa.TryParse(value, best, out var set, out var error));
        Assert.Null(error);
        Assert.Equal(want, set);
    }

    [Fact]
    public void A_set_the_cpu_cannot_run_is_refused_with_one_line_naming_the_value_and_what_the_cpu_supports()
    {
        Assert.False(Isa.TryParse("avx512", InstructionSet.Avx2, out _, out var error));
        Assert.Equal("FLUX_ISA=avx512 cannot run on this CPU: it supports avx2|none.", error);
    }

    [Fact]
    public void An_unknown_value_is_refused_with_the_allowed_values()
    {
        Assert.False(Isa.TryParse("sse4", InstructionSet.Avx512, out _, out var error));
        Assert.Equal("FLUX_ISA=sse4 is not an instruction set: use avx512, avx2 or none (this CPU supports avx512|avx2|none).", error);
    }

    [Fact]
    public void Forcing_a_set_applies_to_this_call_flow_and_its_workers_and_is_undone_on_dispose()
    {
        var before = Isa.Current;
        using (Isa.Force(InstructionSet.None))
        {
            Assert.Equal(InstructionSet.None, Isa.Current);
            var seen = new InstructionSet[4];
            Parallel.For(0, 4, i => seen[i] = Isa.Current);
            Assert.All(seen, s => Assert.Equal(InstructionSet.None, s));
            Assert.False(PackedGemm.Supported);
        }

        Assert.Equal(before, Isa.Current);
        Assert.Throws<ArgumentOutOfRangeException>(() => Isa.Force((InstructionSet)3));
    }
}
