namespace FluxMatching.Tests.Training;

using FluxMatching.Models;
using FluxMatching.Training;

/// <summary>The per-step thread setting of <see cref="TrainingSession"/>.</summary>
public class TrainingSessionThreadsTests
{
    [Theory]
    [InlineData(null)]
    [InlineData(2)]
    public void A_step_leaves_libtorch_thread_count_as_it_found_it(int? threads)
    {
        int before = get_num_threads();
        using var model = new FluxModel(new FluxModelConfig { Hidden = 16 }, seed: 1);
        using var session = new TrainingSession(model, new TrainerOptions { Batch = 16, EmaDecay = 0, Threads = threads });
        var outcome = session.Step();
        Assert.True(outcome.Applied);
        Assert.Equal(before, get_num_threads());
    }

    [Fact]
    public void Zero_threads_is_rejected_with_a_message_naming_the_option()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new TrainerOptions { Threads = 0 }.Validate());
        Assert.Equal("Threads", e.ParamName);
        Assert.Contains("threads must be ≥ 1", e.Message);
    }
}
