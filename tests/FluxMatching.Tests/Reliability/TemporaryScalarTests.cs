namespace FluxMatching.Tests.Reliability;

using FluxMatching.Runtime;

public class TemporaryScalarTests
{
    [Fact]
    public void The_core_library_hands_libtorch_no_scalar_that_the_finalizer_could_free_during_the_call()
    {
        var sites = TemporaryScalars.CallSites(typeof(Scalars).Assembly, typeof(Scalars).FullName!);
        Assert.True(sites.Count == 0, $"{sites.Count} call sites create a temporary Scalar; pass one from FluxMatching.Runtime.Scalars instead:\n{string.Join("\n", sites)}");
    }

    [Fact]
    public void The_scan_finds_implicit_conversions_and_torchsharp_methods_that_make_a_scalar_inside()
    {
        var sites = TemporaryScalars.CallSites(typeof(TemporaryScalarTests).Assembly);
        Assert.Contains(sites, s => s.StartsWith($"{typeof(Offenders).FullName}.{nameof(Offenders.Implicit)} → Scalar.op_Implicit", StringComparison.Ordinal));
        Assert.Contains(sites, s => s.StartsWith($"{typeof(Offenders).FullName}.{nameof(Offenders.AddWithoutAlpha)} → Tensor.add(Tensor)", StringComparison.Ordinal));
        Assert.Contains(sites, s => s.StartsWith($"{typeof(Offenders).FullName}.{nameof(Offenders.Square)} → Tensor.square()", StringComparison.Ordinal));
        Assert.DoesNotContain(sites, s => s.StartsWith($"{typeof(Offenders).FullName}.{nameof(Offenders.Explicit)} ", StringComparison.Ordinal));
    }

    /// <summary>Known offenders and one clean call, for the scan's own test (never run).</summary>
    private static class Offenders
    {
        public static Tensor Implicit(Tensor x) => x.mul(0.5);

        public static Tensor AddWithoutAlpha(Tensor x) => x.add(x);

        public static Tensor Square(Tensor x) => x.square();

        public static Tensor Explicit(Tensor x) => x.add(x, Scalars.One).mul(Scalars.Half);
    }
}
