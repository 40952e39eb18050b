namespace FluxMatching.Tests.Losses;

using FluxMatching.Losses;

/// <summary>Golden case A of the authors' loss, seed-reproducible golden case (float64), by seed parity and by injected draws.</summary>
[Collection(GlobalRngCollection.Name)]
public class GoldenCaseATests
{
    private static readonly double[] X = [0.5, -1.0, 1.5, 0.25, -0.75, 0.8, 0.1, 2.0];
    private const double Sigma2 = 0.5;

    private static readonly double[] ExpectedLoss =
        [-3.1756838718139093, -3.3749620770423143, -3.5627916131859325, -2.4459013935605025];

    private static readonly double[] ExpectedGradW =
        [-0.6256550796301643, -0.6638964513092233, 0.031194846644057403, 0.09152369686236356];

    private static readonly double[] ExpectedGradB = [-0.8798211614865331, 2.296125117831708];

    private static readonly double[][] Noises =
    [
        [1.5409961082440433, -0.2934289057609464, -2.1787893820745574, 0.5684312772806678, -1.084522342424021,
            -1.3985953953708767, 0.4033468476292993, 0.8380263329976598],
        [-0.2613142149611394, 1.0666997529231295, 0.4158911935781066, 0.8395664167966604, -0.8264687054374333,
            -0.794936672223274, -0.9528351695699786, 0.3717213818479026],
        [0.40871574568577435, 1.4214179052819822, 0.14939700132243244, -0.6708600471813422, -0.2141861491333592,
            -0.43196885730541806, -0.7078776842142749, -0.10643401539334266],
        [-1.2427316949043647, -0.4762315685145951, -0.6859184542866947, -1.5051417869872634, 0.2549827308792933,
            1.8042484597270052, -0.45023750985432226, -0.4830320684750326],
        [0.6577075760053465, 0.9386566614741533, 1.1317306815607506, -0.6454730060172492, -1.7702915992006043,
            0.2142729525714878, -0.5382166955845334, 0.5879932085673767],
    ];

    private static readonly double[] ExpectedXt =
    [
        1.1109873817469786, 0.5943476418856604, 0.1823633725053077, -0.060503046745161104, -1.7863117654893899,
        1.3567800507036667, -0.7617780123161899, 1.9781750789541428,
    ];

    private static readonly double[] ExpectedCarried =
    [
        0.6062781929276241, -1.3221483535991114, 0.5319843962898129, -1.4220280666338767, -0.0366953752205536,
        -1.4160640287225592, 0.6580751089761827, -0.4320097867078685,
    ];

    [Fact]
    public void Golden_case_A_is_reproduced_with_injected_draws()
    {
        using var scope = NewDisposeScope();
        var draws = new FluxLossDraws(
            AnchorNoise: Tensor2(Noises[0]),
            HorizonUniform: tensor(0.5813409198075745, dtype: ScalarType.Float64),
            SubstepNoises: [Tensor2(Noises[1]), Tensor2(Noises[2]), Tensor2(Noises[3]), Tensor2(Noises[4])],
            Probe: tensor(new long[] { 0, 1, 1, 1, 1, 1, 1, 0 }, [4, 2]));
        Check(draws);
    }

    [Fact]
    public void Golden_case_A_is_reproduced_from_torch_manual_seed_zero()
    {
        using var scope = NewDisposeScope();
        manual_seed(0);
        Check(null);
    }

    private static void Check(FluxLossDraws? draws)
    {
        var w = tensor(new double[] { -1.2, 0.3, -0.4, -0.9 }, [2, 2]).requires_grad_(true);
        var b = tensor(new double[] { 0.2, -0.1 }).requires_grad_(true);
        Tensor Field(Tensor z) => z.matmul(w.t()).add(b).add(z.tanh().mul(0.5));
        var x = tensor(X, [4, 2]);

        var result = new FluxMatchingLoss().Compute(Field, x, Sigma2, draws: draws);
        result.PerSample.mean().backward();

        Assert.Equal(2.325363679230298, result.T.ToDouble(), 1e-12);
        Assert.Equal(0.25, result.ProposalDensity.ToDouble());
        Numerics.AssertRelative(ExpectedXt, result.Xt, 1e-12);
        Numerics.AssertRelative(ExpectedCarried, result.CarriedGradient, 1e-12);
        Numerics.AssertRelative(ExpectedLoss, result.PerSample, 1e-12);
        Numerics.AssertRelative(ExpectedGradW, w.grad!, 1e-12);
        Numerics.AssertRelative(ExpectedGradB, b.grad!, 1e-12);
    }

    private static Tensor Tensor2(double[] values) => tensor(values, [4, 2]);
}
