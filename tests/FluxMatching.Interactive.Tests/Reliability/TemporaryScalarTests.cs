namespace FluxMatching.Interactive.Tests.Reliability;

using FluxMatching.Tests.Reliability;

public class TemporaryScalarTests
{
    [Fact]
    public void The_extension_hands_libtorch_no_scalar_that_the_finalizer_could_free_during_the_call()
    {
        var sites = TemporaryScalars.CallSites(typeof(KernelExtension).Assembly);
        Assert.True(sites.Count == 0, $"{sites.Count} call sites create a temporary Scalar; pass one from FluxMatching.Runtime.Scalars instead:\n{string.Join("\n", sites)}");
    }
}
