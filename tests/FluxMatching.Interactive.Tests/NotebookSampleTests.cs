namespace FluxMatching.Interactive.Tests;

using FluxMatching.Models;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>Notebook.Sample is the core's sample-and-measure routine (SampleEvaluation), as flux train uses it.</summary>
public sealed class NotebookSampleTests
{
    [Fact]
    public void Notebook_sample_returns_what_the_shared_routine_returns_for_the_same_request()
    {
        using var model = new FluxModel(new FluxModelConfig { Hidden = 8, Data = "moons" }, seed: 3);
        var request = new SamplingRequest { N = 40, Steps = 4, Seed = 5 };
        var set = Notebook.Sample(model, request, "m");
        using var shared = SampleEvaluation.Run(model, request);
        Assert.True(set.Samples.eq(shared.Samples).all().item<bool>());
        Assert.True(set.Data.eq(shared.Data).all().item<bool>());
        Assert.Equal(shared.Metrics, set.Metrics);
        Assert.Equal(shared.SamplerDescription, set.Sampler);
        Assert.Equal(DeviceType.CPU, set.Samples.device_type);
        Assert.Null(Notebook.Sample(model, request, metrics: false).Metrics);
    }
}
