namespace FluxMatching.Tests.Training;

using FluxMatching.Training;

public class FusedAdamTests
{
    [Fact]
    public void Fused_adam_takes_the_same_steps_as_torch_adam()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(3);
        var a = torch.nn.Linear(5, 4, dtype: ScalarType.Float64);
        var b = torch.nn.Linear(5, 4, dtype: ScalarType.Float64);
        using (torch.no_grad())
        {
            b.weight!.copy_(a.weight!);
            b.bias!.copy_(a.bias!);
        }
        var reference = torch.optim.Adam(a.parameters(), 0.01);
        var fused = new FusedAdam(b.parameters().ToList(), 0.01);
        for (int step = 0; step < 6; step++)
        {
            var x = torch.randn(8, 5, ScalarType.Float64);
            reference.zero_grad();
            a.forward(x).square().sum().backward();
            reference.step();
            fused.ZeroGrad();
            b.forward(x).square().sum().backward();
            fused.Step();
        }
        Assert.True(a.weight!.allclose(b.weight!, rtol: 1e-12, atol: 1e-14));
        Assert.True(a.bias!.allclose(b.bias!, rtol: 1e-12, atol: 1e-14));
        Assert.False(a.weight!.eq(torch.zeros_like(a.weight!)).all().item<bool>());
    }
}
