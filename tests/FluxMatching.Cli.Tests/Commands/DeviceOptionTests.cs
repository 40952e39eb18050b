namespace FluxMatching.Cli.Tests.Commands;

/// <summary>`--device` on train, sample and bench: one parser, one line when the value is wrong or the device absent.</summary>
public sealed class DeviceOptionTests
{
    [Theory]
    [InlineData("sample", "missing.pt")]
    [InlineData("train")]
    [InlineData("bench")]
    public void A_gpu_where_there_is_none_is_one_line_naming_the_value_and_what_is_allowed(params string[] command)
    {
        if (cuda.is_available())
        {
            return;   // a GPU machine: nothing is missing
        }

        var line = CliRun.Of([.. command, "--device", "cuda"]).OneLineError();
        Assert.Equal("flux: --device 'cuda' is not available: libtorch sees no CUDA device in this process. Allowed here: cpu.", line);
    }

    [Theory]
    [InlineData("sample", "missing.pt")]
    [InlineData("train")]
    [InlineData("bench")]
    public void A_word_that_is_no_device_lists_the_forms(params string[] command)
    {
        var line = CliRun.Of([.. command, "--device", "gpu"]).OneLineError();
        Assert.StartsWith("flux: --device 'gpu' is not a device name. Allowed: cpu, cuda, cuda:N (here: cpu", line);
    }

    [Fact]
    public void Bench_keeps_its_one_json_line_and_names_the_device()
    {
        var run = CliRun.Of("bench", "--config", "ring2d", "--steps", "1", "--warmup", "0", "--device", "cpu");
        Assert.Equal(0, run.ExitCode);
        var line = Assert.Single(run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var json = System.Text.Json.Nodes.JsonNode.Parse(line)!;
        Assert.Equal("ring2d", (string?)json["config"]);
        Assert.Equal("cpu", (string?)json["device"]);
        Assert.True((double)json["ms_per_step_median"]! > 0);
    }
}
