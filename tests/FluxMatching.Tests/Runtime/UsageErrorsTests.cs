namespace FluxMatching.Tests.Runtime;

using FluxMatching.Runtime;

public class UsageErrorsTests
{
    [Fact]
    public void One_line_drops_the_parameter_suffix_and_the_actual_value_line_of_argument_errors()
    {
        var e = new ArgumentOutOfRangeException("samples", 1, "--samples must be ≥ 2.");
        Assert.Contains('\n', e.Message);
        Assert.Equal("--samples must be ≥ 2.", UsageErrors.OneLine(e.Message));
        Assert.Equal("plain", UsageErrors.OneLine("plain"));
        Assert.Equal("", UsageErrors.OneLine(null));
    }

    [Fact]
    public void Bad_values_and_files_are_usage_errors_and_bugs_are_not()
    {
        Assert.True(UsageErrors.IsUsageError(new ArgumentException("x")));
        Assert.True(UsageErrors.IsUsageError(new FileNotFoundException("x")));
        Assert.True(UsageErrors.IsUsageError(new InvalidDataException("x")));
        Assert.True(UsageErrors.IsUsageError(new UnauthorizedAccessException("x")));
        Assert.False(UsageErrors.IsUsageError(new NullReferenceException()));
        Assert.False(UsageErrors.IsUsageError(new IndexOutOfRangeException()));
    }
}
