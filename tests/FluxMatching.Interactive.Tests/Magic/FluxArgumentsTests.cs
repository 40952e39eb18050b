namespace FluxMatching.Interactive.Tests.Magic;

using FluxMatching.Interactive.Magic;

public sealed class FluxArgumentsTests
{
    private static FluxArguments Parse(string line) => FluxArguments.Parse(line, FluxCommandSet.All);

    [Fact]
    public void Words_in_double_quotes_stay_one_word()
    {
        Assert.Equal(["#!flux", "save", "m", "a b/c.pt"], DirectiveTokenizer.Tokenize("  #!flux save m \"a b/c.pt\"  "));
        Assert.Equal(["x", ""], DirectiveTokenizer.Tokenize("x \"\""));
    }

    [Fact]
    public void Positionals_options_and_flags_are_read()
    {
        var a = Parse("#!flux new m --annealed --sigma-min 0.1 --hidden 1e2 --seed -4");
        Assert.Equal("new", a.Command.Name);
        Assert.Equal("m", a.Positional("NAME"));
        Assert.True(a.Has("--annealed"));
        Assert.Null(a.Value("--annealed"));
        Assert.Equal(0.1, a.Double("--sigma-min", 0, v => v > 0, "x"));
        Assert.Equal(100, a.Int("--hidden", 0, 1, 1000));
        Assert.Equal(-4, a.Long("--seed", 0));
        Assert.Equal(7, a.Int("--depth", 7, 1, 64));
    }

    [Fact]
    public void Equals_sign_values_and_named_positionals_are_accepted()
    {
        var a = Parse("#!flux train --name m --steps=30");
        Assert.Equal("m", a.Positional("NAME"));
        Assert.Equal(30, a.Int("--steps", 0, 1));
        Assert.Equal("p.pt", Parse("#!flux save m --path p.pt").Positional("PATH"));
        Assert.Contains("NAME is given twice", Assert.Throws<FluxUsageException>(() => Parse("#!flux train m --name n")).Message);
    }

    [Fact]
    public void Usage_lines_come_from_the_command_table()
    {
        Assert.Equal("#!flux train NAME [--steps N] [--batch N] [--lr X] [--seed N] [--structure G] [--weight X]", FluxCommandSet.Get("train").Usage);
        Assert.Equal("#!flux info [NAME]", FluxCommandSet.Get("info").Usage);
        Assert.Contains("#!flux plot NAME [--field] [--streamlines] [--curl] [--divergence] [--trajectories]", FluxCommandSet.Help());
    }

    [Theory]
    [InlineData("#!flux train m --steps 1.5", "--steps must be a whole number")]
    [InlineData("#!flux train m --steps 1e99", "--steps must be a whole number")]
    [InlineData("#!flux train m --lr NaN", "--lr must be")]
    [InlineData("#!flux train m --lr Infinity", "--lr must be")]
    public void Numbers_are_checked(string line, string expected)
    {
        var a = Parse(line);
        var e = Assert.Throws<FluxUsageException>(() =>
        {
            a.Int("--steps", 1, 1, 100);
            a.Double("--lr", 1, v => v > 0, "a number > 0");
        });
        Assert.Contains(expected, e.Message);
    }
}
