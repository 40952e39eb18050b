namespace FluxMatching.Tests.Training;

using FluxMatching.Training;

public class EmaTests
{
    [Fact]
    public void Without_warm_up_the_copy_moves_a_fixed_fraction_toward_the_source_from_the_first_update()
    {
        using var scope = torch.NewDisposeScope();
        var source = torch.nn.Linear(3, 2);
        var target = torch.nn.Linear(3, 2);
        var ema = new Ema(source, target, 0.75, warmup: false);
        ema.Reset();
        Assert.All(target.parameters().Zip(source.parameters()), t => Assert.True(t.First.allclose(t.Second, rtol: 0, atol: 0)));
        Assert.All(target.parameters(), p => Assert.False(p.requires_grad));
        var start = target.parameters().Select(p => p.detach().clone()).ToArray();
        using (torch.no_grad())
        {
            foreach (var p in source.parameters())
            {
                p.add_(1.0);
            }
        }

        ema.Update();
        foreach (var (e, s0) in target.parameters().Zip(start))
        {
            Assert.True(e.allclose(s0.add(0.25), rtol: 0, atol: 1e-6));   // 0.75·s0 + 0.25·(s0 + 1)
        }
    }

    [Fact]
    public void With_warm_up_the_first_update_keeps_only_two_elevenths_of_the_copy()
    {
        using var scope = torch.NewDisposeScope();
        var source = torch.nn.Linear(3, 2);
        var target = torch.nn.Linear(3, 2);
        var ema = new Ema(source, target, 0.999);
        ema.Reset();
        var start = target.parameters().Select(p => p.detach().clone()).ToArray();
        using (torch.no_grad())
        {
            foreach (var p in source.parameters())
            {
                p.add_(1.0);
            }
        }

        ema.Update();   // β_1 = min(0.999, 2/11)
        foreach (var (e, s0) in target.parameters().Zip(start))
        {
            Assert.True(e.allclose(s0.add(9.0 / 11.0), rtol: 0, atol: 1e-6));
        }
    }

    [Fact]
    public void Mismatched_modules_and_a_bad_decay_are_rejected()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.nn.Linear(3, 2);
        Assert.Equal("target", Assert.Throws<ArgumentException>(() => new Ema(a, torch.nn.Linear(4, 2), 0.9)).ParamName);
        Assert.Equal("decay", Assert.Throws<ArgumentOutOfRangeException>(() => new Ema(a, torch.nn.Linear(3, 2), 1.0)).ParamName);
    }
}
