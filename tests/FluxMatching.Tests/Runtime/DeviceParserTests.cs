namespace FluxMatching.Tests.Runtime;

using FluxMatching.Runtime;

public class DeviceParserTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("cpu")]
    [InlineData(" CPU ")]
    public void Cpu_empty_and_missing_names_parse_to_the_cpu(string? text)
    {
        Assert.Equal(DeviceType.CPU, DeviceParser.Parse(text).type);
    }

    [Fact]
    public void A_missing_gpu_is_one_line_naming_the_option_the_value_and_what_is_allowed_here()
    {
        if (cuda.is_available())
        {
            return;   // a GPU machine: nothing is missing
        }

        var e = Assert.Throws<ArgumentException>(() => DeviceParser.Parse("cuda"));
        Assert.Equal("--device 'cuda' is not available: libtorch sees no CUDA device in this process. Allowed here: cpu.", e.Message);
        Assert.Contains("#!flux load: 'cuda:1'", Assert.Throws<ArgumentException>(() => DeviceParser.Parse("cuda:1", "#!flux load:")).Message);
        Assert.Equal(["cpu"], DeviceParser.Available());
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:")]
    [InlineData("cuda:-1")]
    [InlineData("cuda:x")]
    [InlineData("meta")]
    public void Other_words_are_rejected_with_the_forms_a_device_name_takes(string text)
    {
        var e = Assert.Throws<ArgumentException>(() => DeviceParser.Parse(text));
        Assert.Equal($"--device '{text}' is not a device name. Allowed: cpu, cuda, cuda:N (here: {string.Join(", ", DeviceParser.Available())}).", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Null(e.ParamName);   // no " (Parameter '…')" suffix in what the user reads
    }

    [Fact]
    public void Names_are_the_forms_parse_reads()
    {
        Assert.Equal("cpu", DeviceParser.Name(CPU));
        Assert.Equal("cuda:1", DeviceParser.Name(new Device(DeviceType.CUDA, 1)));
        Assert.Equal("meta", DeviceParser.Name(new Device("meta")));
        Assert.Equal("cpu", DeviceParser.Name(DeviceParser.Parse(DeviceParser.Name(CPU))));
    }
}
