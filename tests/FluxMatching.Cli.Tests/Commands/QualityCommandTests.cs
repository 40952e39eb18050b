namespace FluxMatching.Cli.Tests.Commands;

using FluxMatching.Data;

public class QualityCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("quality-cli").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void An_unknown_data_set_is_one_line_naming_the_allowed_ones()
    {
        var line = CliRun.Of("quality", "--data", "cifar").OneLineError();
        Assert.Contains("cifar", line);
        Assert.Contains("fashion-mnist, mnist", line);
    }

    [Fact]
    public void Samples_that_are_not_images_of_the_data_set_are_one_line_naming_both_shapes()
    {
        string file = Path.Combine(dir, "points.npy");
        using (var points = zeros(4, 10))
        {
            NpyData.Write(file, points);
        }

        var line = CliRun.Of("quality", "--data", "mnist", "--samples", file).OneLineError();
        Assert.Contains("[4, 10]", line);
        Assert.Contains("[N, 1, 28, 28]", line);
    }

    [Fact]
    public void A_missing_samples_file_is_one_line()
    {
        var line = CliRun.Of("quality", "--samples", Path.Combine(dir, "none.npy")).OneLineError();
        Assert.Contains("none.npy", line);
    }
}
