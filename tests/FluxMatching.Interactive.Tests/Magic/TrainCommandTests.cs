namespace FluxMatching.Interactive.Tests.Magic;

using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Events;

public sealed class TrainCommandTests : IAsyncLifetime
{
    private NotebookKernel nb = null!;

    public async Task InitializeAsync()
    {
        nb = await NotebookKernel.StartAsync();
        await nb.OkAsync("#!flux new m --data ring --hidden 8");
    }

    public Task DisposeAsync() { nb.Dispose(); return Task.CompletedTask; }

    [Fact]
    public async Task Train_takes_the_steps_and_shows_a_display_that_it_updates_in_place()
    {
        var result = await nb.OkAsync("#!flux train m --steps 4 --batch 16 --lr 2e-3 --seed 5");
        Assert.Equal(4, nb.Model("m").StepsTrained);
        var shown = Assert.Single(result.Events.OfType<DisplayedValueProduced>());
        var updates = result.Events.OfType<DisplayedValueUpdated>().ToList();
        Assert.NotEmpty(updates);
        Assert.All(updates, u => Assert.Equal(shown.ValueId, u.ValueId));
        var final = updates[^1].FormattedValues.Single(v => v.MimeType == "text/html").Value;
        Assert.Contains("Training run of m", final);
        Assert.Contains("done", final);
        Assert.Contains("<svg", final);
    }

    [Fact]
    public async Task Training_again_continues_the_step_count()
    {
        await nb.OkAsync("#!flux train m --steps 2 --batch 8");
        await nb.OkAsync("#!flux train m --steps 3 --batch 8");
        Assert.Equal(5, nb.Model("m").StepsTrained);
        Assert.Equal(5, nb.Model("m").LossHistory.Count);
    }

    [Fact]
    public async Task Option_values_can_come_from_csharp_variables()
    {
        await nb.OkAsync("var steps = 3; var batch = 8;");
        await nb.OkAsync("#!flux train m --steps @csharp:steps --batch @csharp:batch");
        Assert.Equal(3, nb.Model("m").StepsTrained);
    }

    [Theory]
    [InlineData("#!flux train nope --steps 2", "no model named 'nope' (models: m)")]
    [InlineData("#!flux train m --steps 0", "--steps must be a whole number from 1 to 100000000, got 0")]
    [InlineData("#!flux train m --steps ten", "--steps must be a whole number from 1 to 100000000, got 'ten'")]
    [InlineData("#!flux train m --batch 1", "--batch must be a whole number from 2 to 1000000, got 1")]
    [InlineData("#!flux train m --lr 0", "--lr must be a number in (0, 10], got 0")]
    [InlineData("#!flux train m --lr fast", "--lr must be a number in (0, 10], got 'fast'")]
    [InlineData("#!flux train m --seed 1.5", "--seed must be a whole number, got '1.5'")]
    [InlineData("#!flux train m --epochs 3", "unknown option '--epochs'. Allowed: --steps, --batch, --lr, --seed")]
    [InlineData("#!flux train", "NAME is missing")]
    public async Task A_bad_train_line_fails_with_one_message(string line, string expected)
    {
        Assert.Contains(expected, await nb.FailAsync(line));
        Assert.Equal(0, nb.Model("m").StepsTrained);
    }

    [Fact]
    public async Task Interrupting_stops_training_and_keeps_the_model()
    {
        var run = nb.Kernel.SendAsync(new SubmitCode("#!flux train m --steps 1000000 --batch 16"));
        var model = nb.Model("m");
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (model.StepsTrained < 3 && !run.IsCompleted && waited.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(20);
        }

        Assert.False(run.IsCompleted, "training ended before it was interrupted");
        await nb.Kernel.SendAsync(new Cancel());        // what a notebook's "interrupt kernel" sends
        var outcome = await run;
        Assert.Contains(outcome.Events, e => e is CommandFailed);   // the cell ends as cancelled
        // The next command on the model waits for the current step, then sees a stopped, usable model.
        await nb.OkAsync("#!flux info m");
        int steps = model.StepsTrained;
        Assert.InRange(steps, 3, 999_999);
        await Task.Delay(200);
        Assert.Equal(steps, model.StepsTrained);
        Assert.Equal(steps, model.LossHistory.Count);
        await nb.OkAsync("#!flux train m --steps 2 --batch 16");
        Assert.Equal(steps + 2, model.StepsTrained);
    }
}
