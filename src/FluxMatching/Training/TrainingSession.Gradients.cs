namespace FluxMatching.Training;

using FluxMatching.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>The session's optimizer plumbing: learning rate, zeroing and the global gradient norm, on the fused Adam
/// when it runs, else on libtorch's.</summary>
public sealed partial class TrainingSession
{
    private double LearningRate
    {
        set
        {
            if (this.fused is not null)
            {
                this.fused.LearningRate = value;
            }
            else
            {
                adam!.ParamGroups.First().LearningRate = value;
            }
        }
    }

    private void ZeroGrad()
    {
        if (this.fused is not null)
        {
            this.fused.ZeroGrad();
        }
        else
        {
            adam!.zero_grad();
        }

        gradientsClear = true;
    }

    private double GradientNorm()
    {
        if (this.fused is not null)
        {
            return this.fused.GradientNorm();
        }

        using var scope = torch.NewDisposeScope();
        return GradientNormTensor().ItemAsDouble();
    }

    /// <summary>The global gradient norm as a float64 0-d tensor on the parameters' device (no host read).</summary>
    private Tensor GradientNormTensor()
    {
        var squares = this.parameters.Where(p => p.grad is not null).Select(p => p.grad!.to(ScalarType.Float64).pow(Scalars.Two).sum()).ToArray();
        return squares.Length == 0
            ? torch.zeros([], ScalarType.Float64, this.model.Field.Device)
            : torch.stack(squares).sum().sqrt();
    }
}
