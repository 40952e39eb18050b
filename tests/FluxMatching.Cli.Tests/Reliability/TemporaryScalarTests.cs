namespace FluxMatching.Cli.Tests.Reliability;

using System.Reflection;
using FluxMatching.Tests.Reliability;

public class TemporaryScalarTests
{
    [Theory]
    [InlineData("flux")]
    [InlineData("FluxMatching.Experiments")]
    [InlineData("FluxMatching.Distributed")]
    [InlineData("FluxMatching.Plotting")]
    public void The_library_hands_libtorch_no_scalar_that_the_finalizer_could_free_during_the_call(string assembly)
    {
        var sites = TemporaryScalars.CallSites(Assembly.Load(assembly));
        Assert.True(sites.Count == 0, $"{sites.Count} call sites in {assembly} create a temporary Scalar; pass one from FluxMatching.Runtime.Scalars instead:\n{string.Join("\n", sites)}");
    }
}
