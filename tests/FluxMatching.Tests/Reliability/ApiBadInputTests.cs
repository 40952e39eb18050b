namespace FluxMatching.Tests.Reliability;

using FluxMatching.Fields;
using FluxMatching.Losses;
using FluxMatching.Metrics;
using FluxMatching.Models;
using FluxMatching.Runtime;
using FluxMatching.Training;

/// <summary>
/// The catalogue of bad calls to the C# API: each throws an argument or data exception whose one-line message
/// (<see cref="UsageErrors.OneLine(Exception)"/>) names the parameter, the value and what is allowed, and no .NET type.
/// </summary>
public sealed class ApiBadInputTests
{
    private static Tensor Ring(int n = 16, ScalarType dtype = ScalarType.Float32) =>
        ToyDatasetsRing().Sample(n, new Generator(1), CPU, dtype);

    private static FluxMatching.Data.IDataSource ToyDatasetsRing() => FluxMatching.Data.ToyDatasets.Create("ring");

    private static Tensor WithValue(double value)
    {
        var x = Ring(16, ScalarType.Float64);
        x[3, 1] = tensor(value, ScalarType.Float64);
        return x;
    }

    /// <summary>Each case: a name (the catalogue's input column), the call, and pieces of its message.</summary>
    public static TheoryData<string, string> Cases => new()
    {
        { "FluxMatchingLoss.Compute(x with NaN)", "x contains NaN or infinite values; all entries must be finite." },
        { "FluxMatchingLoss.Compute(x with +Inf)", "x contains NaN or infinite values" },
        { "FluxMatchingLoss.Compute(x with -Inf)", "x contains NaN or infinite values" },
        { "FluxMatchingLoss.Compute(sigma2 = 0)", "sigma2" },
        { "FluxMatchingLoss.Compute(sigma2 = -1)", "sigma2" },
        { "FluxMatchingLoss.Compute(sigma2 = NaN)", "sigma2" },
        { "FluxMatchingLoss.Compute(x [1, 2]: batch < 2)", "x must have shape [B, *S] with B >= 2 (the batch KDE needs at least two points) and at least one data axis, got [1, 2]." },
        { "FluxMatchingLoss.Compute(x [0, 2]: empty)", "got [0, 2]" },
        { "FluxMatchingLoss.Compute(x [5]: rank 1)", "got [5]" },
        { "FluxMatchingLoss.Compute(x int64)", "x must be float32 or float64, got Int64." },
        { "FluxMatchingLoss.Compute(2-D field, image x [4, 1, 28, 28])", "x has shape [4, 1, 28, 28] (784 values per sample) but the field maps D = 2; allowed: [B, 2]" },
        { "FluxMatchingLoss.Compute(field output [B, 1] for input [B, 2])", "field must map a tensor of shape [16, 2] to the same shape, got [16, 1]." },
        { "FluxMatchingLoss.Compute(float32 field, float64 x)", "x is Float64 but the field's parameters are Float32; allowed: a batch of the field's dtype" },
        { "new FluxModelConfig { SigmaMin = 2, SigmaMax = 1, Annealed = true }.Validate()", "sigma-max must be finite and greater than sigma-min (2); got 1." },
        { "new FluxModelConfig { SigmaMin = 0 }.Validate()", "sigma-min must be a finite number > 0; got 0." },
        { "new FluxModelConfig { Sigma2 = +Inf }.Validate()", "sigma2 must be a finite number > 0; got Infinity." },
        { "new FluxModelConfig { Data = \"spiral\" }.Validate()", "Unknown data set 'spiral'. Allowed:" },
        { "new FluxModelConfig { Field = \"vit\" }.Validate()", "Unknown field 'vit'. Allowed:" },
        { "new FluxModelConfig { Field = \"unet\" }.Validate()", "The unet field is noise-conditioned: it needs annealed training (--annealed)." },
        { "new FluxModelConfig { Heads = 0 }.Validate()", "heads must be between 1 and 1024; got 0." },
        { "new FluxModelConfig { TimeProposal = true, Loss = Dsm }.Validate()", "The time proposal applies to the flux loss only." },
        { "new TrainerOptions { Batch = 1 }.Validate()", "batch must be ≥ 2 (the KDE score needs a reference set); got 1." },
        { "new TrainerOptions { LearningRate = NaN }.Validate()", "lr must be a finite number > 0; got NaN." },
        { "new TrainerOptions { EmaDecay = 1 }.Validate()", "EMA decay must be in [0, 1); got 1." },
        { "new TrainerOptions { GradientClipNorm = -1 }.Validate()", "gradient clip norm must be ≥ 0 (0 = off); got -1." },
        { "new TrainerOptions { Dtype = Int32 }.Validate()", "dtype must be float32 or float64; got Int32." },
        { "new TrainerOptions { CheckpointEvery = 5 }.Validate()", "checkpoint-every needs a checkpoint path." },
        { "model.Sample(N = 0)", "n must be at least 1; got 0." },
        { "model.Sample(N = 1_000_000_000)", "--n 1000000000 is too large: sampling would need about" },
        { "model.Sample(Steps = 0)", "sampler steps must be at least 1; got 0." },
        { "model.Sample(StepSize = NaN)", "the Langevin step size must be a finite number > 0; got NaN." },
        { "model.Sample(reverse-sde on a fixed-σ model)", "The reverse-SDE sampler needs a noise-conditioned (annealed) model; use langevin." },
        { "Trainer.Train(model, Batch = 1_000_000)", "--batch 1000000 is too large: one training step would need about" },
        { "Mmd.Squared(samples with NaN, data)", "contains NaN or infinite values." },
        { "EnergyDistance.Compute(x [8, 2], y [8, 3])", "3" },
        { "Checkpoint.Load(missing file)", "No checkpoint at" },
        { "Checkpoint.Load(a folder)", "is a folder; allowed: a checkpoint file." },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_bad_call_throws_one_clear_message(string call, string expected)
    {
        var e = Record.Exception(() => Invoke(call));
        Assert.NotNull(e);
        Assert.True(UsageErrors.IsUsageError(e), $"{call}: {e.GetType().Name}: {e.Message}");
        var line = UsageErrors.OneLine(e);
        Assert.Contains(expected, line);
        Assert.DoesNotContain("System.", line);
        Assert.DoesNotContain("Exception", line);
        Catalogue.Record("C# API", call, line);
    }

    private static void Invoke(string call)
    {
        var loss = new FluxMatchingLoss();
        using var field = new MlpField(2, 8, 1);
        using var field64 = new MlpField(2, 8, 1);
        field64.to(ScalarType.Float64);
        var folder = Directory.CreateTempSubdirectory("flux-api-bad-").FullName;
        try
        {
            switch (call)
            {
                case "FluxMatchingLoss.Compute(x with NaN)": loss.Compute(field64, WithValue(double.NaN), 0.1); break;
                case "FluxMatchingLoss.Compute(x with +Inf)": loss.Compute(field64, WithValue(double.PositiveInfinity), 0.1); break;
                case "FluxMatchingLoss.Compute(x with -Inf)": loss.Compute(field64, WithValue(double.NegativeInfinity), 0.1); break;
                case "FluxMatchingLoss.Compute(sigma2 = 0)": loss.Compute(field, Ring(), 0); break;
                case "FluxMatchingLoss.Compute(sigma2 = -1)": loss.Compute(field, Ring(), -1); break;
                case "FluxMatchingLoss.Compute(sigma2 = NaN)": loss.Compute(field, Ring(), double.NaN); break;
                case "FluxMatchingLoss.Compute(x [1, 2]: batch < 2)": loss.Compute(field, Ring(1), 0.1); break;
                case "FluxMatchingLoss.Compute(x [0, 2]: empty)": loss.Compute(field, zeros(0, 2), 0.1); break;
                case "FluxMatchingLoss.Compute(x [5]: rank 1)": loss.Compute(field, zeros(5), 0.1); break;
                case "FluxMatchingLoss.Compute(x int64)": loss.Compute(field, zeros(new long[] { 4, 2 }, ScalarType.Int64), 0.1); break;
                case "FluxMatchingLoss.Compute(2-D field, image x [4, 1, 28, 28])": loss.Compute(field, randn(4, 1, 28, 28), 0.1); break;
                case "FluxMatchingLoss.Compute(field output [B, 1] for input [B, 2])": loss.Compute(z => z[.., ..1], Ring(), 0.1); break;
                case "FluxMatchingLoss.Compute(float32 field, float64 x)": loss.Compute(field, Ring(16, ScalarType.Float64), 0.1); break;
                case "new FluxModelConfig { SigmaMin = 2, SigmaMax = 1, Annealed = true }.Validate()": new FluxModelConfig { SigmaMin = 2, SigmaMax = 1, Annealed = true }.Validate(); break;
                case "new FluxModelConfig { SigmaMin = 0 }.Validate()": new FluxModelConfig { SigmaMin = 0 }.Validate(); break;
                case "new FluxModelConfig { Sigma2 = +Inf }.Validate()": new FluxModelConfig { Sigma2 = double.PositiveInfinity }.Validate(); break;
                case "new FluxModelConfig { Data = \"spiral\" }.Validate()": new FluxModelConfig { Data = "spiral" }.Validate(); break;
                case "new FluxModelConfig { Field = \"vit\" }.Validate()": new FluxModelConfig { Field = "vit" }.Validate(); break;
                case "new FluxModelConfig { Field = \"unet\" }.Validate()": new FluxModelConfig { Field = "unet" }.Validate(); break;
                case "new FluxModelConfig { Heads = 0 }.Validate()": new FluxModelConfig { Heads = 0 }.Validate(); break;
                case "new FluxModelConfig { TimeProposal = true, Loss = Dsm }.Validate()": new FluxModelConfig { TimeProposal = true, Loss = LossKind.Dsm }.Validate(); break;
                case "new TrainerOptions { Batch = 1 }.Validate()": new TrainerOptions { Batch = 1 }.Validate(); break;
                case "new TrainerOptions { LearningRate = NaN }.Validate()": new TrainerOptions { LearningRate = double.NaN }.Validate(); break;
                case "new TrainerOptions { EmaDecay = 1 }.Validate()": new TrainerOptions { EmaDecay = 1 }.Validate(); break;
                case "new TrainerOptions { GradientClipNorm = -1 }.Validate()": new TrainerOptions { GradientClipNorm = -1 }.Validate(); break;
                case "new TrainerOptions { Dtype = Int32 }.Validate()": new TrainerOptions { Dtype = ScalarType.Int32 }.Validate(); break;
                case "new TrainerOptions { CheckpointEvery = 5 }.Validate()": new TrainerOptions { CheckpointEvery = 5 }.Validate(); break;
                case "model.Sample(N = 0)": Model().Sample(new SamplingRequest { N = 0 }); break;
                case "model.Sample(N = 1_000_000_000)": Model().Sample(new SamplingRequest { N = 1_000_000_000 }); break;
                case "model.Sample(Steps = 0)": Model().Sample(new SamplingRequest { Steps = 0 }); break;
                case "model.Sample(StepSize = NaN)": Model().Sample(new SamplingRequest { StepSize = double.NaN }); break;
                case "model.Sample(reverse-sde on a fixed-σ model)": Model().Sample(new SamplingRequest { Sampler = SamplerKind.ReverseSde }); break;
                case "Trainer.Train(model, Batch = 1_000_000)": Trainer.Train(Model(), new TrainerOptions { Batch = 1_000_000, Steps = 1 }); break;
                case "Mmd.Squared(samples with NaN, data)": Mmd.Squared(WithValue(double.NaN), Ring(16, ScalarType.Float64)); break;
                case "EnergyDistance.Compute(x [8, 2], y [8, 3])": EnergyDistance.Compute(randn(8, 2), randn(8, 3)); break;
                case "Checkpoint.Load(missing file)": Checkpoint.Load(Path.Combine(folder, "missing.pt")); break;
                case "Checkpoint.Load(a folder)": Checkpoint.Load(folder); break;
                default: Assert.Fail($"no such case: {call}"); break;
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static FluxModel Model() => new(new FluxModelConfig { Hidden = 8, Depth = 1 }, seed: 3);
}
