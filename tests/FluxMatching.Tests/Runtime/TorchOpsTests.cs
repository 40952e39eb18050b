namespace FluxMatching.Tests.Runtime;

using FluxMatching.Runtime;

public class TorchOpsTests
{
    [Fact]
    public void Softplus_matches_libtorch_softplus_in_value_and_gradient_on_both_sides_of_the_threshold()
    {
        using var scope = NewDisposeScope();
        var values = new double[] { -800, -40, -5, -1e-3, 0, 1e-3, 0.7, 5, 19.9, 20, 20.1, 40, 800 };
        var x = tensor(values, ScalarType.Float64).requires_grad_(true);
        var ours = TorchOps.Softplus(x);
        var theirs = nn.functional.softplus(x);
        Assert.Equal(theirs.detach().data<double>().ToArray(), ours.detach().data<double>().ToArray(), new ToleranceComparer(1e-15));
        var gOurs = autograd.grad([ours.sum()], [x])[0].data<double>().ToArray();
        var gTheirs = autograd.grad([theirs.sum()], [x])[0].data<double>().ToArray();
        Assert.Equal(gTheirs, gOurs, new ToleranceComparer(1e-15));
        Assert.Equal(0.5, gOurs[4]);   // σ(0), where a relu + log1p(e^{−|x|}) form would give 0
        Assert.All(gOurs, g => Assert.True(double.IsFinite(g)));
    }

    [Fact]
    public void Softplus_keeps_the_dtype_and_runs_forward_and_backward_on_the_meta_device()
    {
        using var scope = NewDisposeScope();
        var x = empty([3, 4], ScalarType.Float32, device: new Device("meta")).requires_grad_(true);
        var y = TorchOps.Softplus(x);
        Assert.Equal(DeviceType.META, y.device_type);
        Assert.Equal(ScalarType.Float32, y.dtype);
        Assert.Equal(new long[] { 3, 4 }, y.shape);
        var g = autograd.grad([y.sum()], [x])[0];
        Assert.Equal(DeviceType.META, g.device_type);
    }

    [Fact]
    public void Arange_and_item_agree_with_their_torchsharp_forms()
    {
        using var scope = NewDisposeScope();
        Assert.Equal(arange(2, 7, ScalarType.Int64).data<long>().ToArray(), TorchOps.Arange(2, 7, ScalarType.Int64).data<long>().ToArray());
        var r = TorchOps.Arange(0, 5, ScalarType.Float32);
        Assert.Equal(ScalarType.Float32, r.dtype);
        Assert.Equal(new float[] { 0, 1, 2, 3, 4 }, r.data<float>().ToArray());
        Assert.Equal(2.5, tensor(2.5f).ItemAsDouble());
        Assert.Equal(7.0, tensor(7L).ItemAsDouble());
        Assert.Throws<ArgumentNullException>(() => TorchOps.ItemAsDouble(null!));
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= tolerance * Math.Max(1, Math.Abs(a));

        public int GetHashCode(double obj) => 0;
    }
}
