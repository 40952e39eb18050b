namespace FluxMatching.Tests.Training;

using FluxMatching.Runtime;
using FluxMatching.Tests.Runtime;
using FluxMatching.Training;

public class FusedAdamKernelTests
{
    private static (torch.nn.Module<Tensor, Tensor> A, torch.nn.Module<Tensor, Tensor> B) Twins(ScalarType dtype, int width)
    {
        torch.manual_seed(5);
        var a = torch.nn.Linear(width, 37, dtype: dtype);
        var b = torch.nn.Linear(width, 37, dtype: dtype);
        using (torch.no_grad())
        {
            foreach (var (pb, pa) in b.parameters().Zip(a.parameters()))
            {
                pb.copy_(pa);
            }
        }

        return (a, b);
    }

    public static IEnumerable<object[]> Steps => EveryIsa.With([ScalarType.Float64, 1e-12], [ScalarType.Float32, 1e-5]);

    public static IEnumerable<object[]> Types => EveryIsa.With([ScalarType.Float64], [ScalarType.Float32]);

    [Theory]
    [MemberData(nameof(Steps))]
    public void Scaled_and_clearing_step_equals_torch_adam_on_scaled_gradients(InstructionSet isa, ScalarType dtype,
        double tolerance)
    {
        using var forced = Isa.Force(isa);
        using var scope = torch.NewDisposeScope();
        var (a, b) = Twins(dtype, 300);        // 11,137 parameters: the SIMD body and the scalar tail both run
        var reference = torch.optim.Adam(a.parameters(), 0.01);
        var fused = new FusedAdam(b.parameters().ToList(), 0.01);
        for (int step = 0; step < 5; step++)
        {
            var x = torch.randn(8, 300, dtype);
            reference.zero_grad();
            a.forward(x).square().sum().backward();
            using (torch.no_grad())
            {
                foreach (var p in a.parameters())
                {
                    p.grad!.mul_(0.25);
                }
            }

            reference.step();
            b.forward(x).square().sum().backward();
            fused.Step(0.25, clearGradients: true);
            Assert.Equal(0.0, fused.Gradients.abs().max().ToDouble());
        }

        foreach (var (pa, pb) in a.parameters().Zip(b.parameters()))
        {
            Assert.True(pa.allclose(pb, rtol: tolerance, atol: tolerance), $"max diff {(pa - pb).abs().max().ToDouble():E2}");
        }
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void Gradient_norm_is_the_euclidean_norm_of_all_gradients(InstructionSet isa, ScalarType dtype)
    {
        using var forced = Isa.Force(isa);
        using var scope = torch.NewDisposeScope();
        var (_, b) = Twins(dtype, 123);
        var fused = new FusedAdam(b.parameters().ToList(), 0.01);
        b.forward(torch.randn(4, 123, dtype)).sum().backward();
        double want = Math.Sqrt(b.parameters().Sum(p => p.grad!.to(ScalarType.Float64).square().sum().ToDouble()));
        Assert.True(Math.Abs(fused.GradientNorm() - want) <= 1e-6 * want);
        Assert.True(want > 0);
    }
}
