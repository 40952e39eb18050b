namespace FluxMatching.Tests;

public class SmokeTests
{
    [Fact]
    public void Torch_loads_and_double_backward_works()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new double[] { 1, 2, -3 }, requires_grad: true);
        var y = x.pow(3).sum();
        var g = torch.autograd.grad([y], [x], retain_graph: true, create_graph: true)[0];
        var gg = torch.autograd.grad([g.sum()], [x])[0];
        Assert.Equal(new double[] { 6, 12, -18 }, gg.data<double>().ToArray());
    }
}
