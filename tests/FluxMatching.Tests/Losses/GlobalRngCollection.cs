namespace FluxMatching.Tests.Losses;

/// <summary>
/// Tests that seed torch's global generator (torch.manual_seed parity) run alone: any concurrently running test that
/// builds a module or draws without a generator would consume the global stream between seeding and drawing.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalRngCollection
{
    public const string Name = "Global torch generator (losses)";
}
