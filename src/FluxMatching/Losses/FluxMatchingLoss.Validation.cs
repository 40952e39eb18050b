namespace FluxMatching.Losses;

using FluxMatching.Fields;
using FluxMatching.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>The flux loss's argument checks.</summary>
public sealed partial class FluxMatchingLoss
{
    /// <summary>Validates a data batch: [B, *S] with B ≥ 2, float32/float64, and on the CPU all finite (elsewhere the
    /// value check would cost a host synchronization every step; a non-finite batch then gives a non-finite loss, which
    /// the training loop's guard catches).</summary>
    /// <param name="x">The batch.</param>
    /// <param name="paramName">The caller's parameter name.</param>
    internal static void ValidateBatch(Tensor x, string paramName)
    {
        ArgumentNullException.ThrowIfNull(x, paramName);
        if (x.dim() < 2 || x.shape[0] < 2)
        {
            throw new ArgumentException(
                $"{paramName} must have shape [B, *S] with B >= 2 (the batch KDE needs at least two points) and at " +
                $"least one data axis, got [{string.Join(", ", x.shape)}].", paramName);
        }

        if (x.dtype is not (ScalarType.Float32 or ScalarType.Float64))
        {
            throw new ArgumentException($"{paramName} must be float32 or float64, got {x.dtype}.", paramName);
        }

        if (x.device_type == DeviceType.CPU && !TensorMemory.AllFinite(x))
        {
            throw new ArgumentException($"{paramName} contains NaN or infinite values; all entries must be finite.",
                paramName);
        }
    }

    /// <summary>Checks that a batch fits a field before anything is evaluated: <see cref="ValidateBatch"/>, then the
    /// field's element type and dimension D (x [B, *S] with ∏S = D).</summary>
    /// <param name="field">The field.</param>
    /// <param name="x">The batch.</param>
    /// <param name="paramName">The caller's parameter name.</param>
    internal static void ValidateFieldInput(IVectorField field, Tensor x, string paramName)
    {
        ValidateBatch(x, paramName);
        if (x.dtype != field.DType)
        {
            throw new ArgumentException(
                $"{paramName} is {x.dtype} but the field's parameters are {field.DType}; allowed: a batch of the field's dtype (convert one of them with .to(...)).", paramName);
        }

        long dimension = x.numel() / x.shape[0];
        if (dimension != field.Dimension)
        {
            throw new ArgumentException(
                $"{paramName} has shape [{string.Join(", ", x.shape)}] ({dimension} values per sample) but the field maps D = {field.Dimension}; allowed: [B, {field.Dimension}] or a shape with {field.Dimension} values per sample.", paramName);
        }
    }

    private static void ValidateProposal(ExponentialTimeProposal proposal, double horizon)
    {
        if (proposal.Horizon != horizon)
        {
            throw new ArgumentException(
                $"proposal.Horizon ({proposal.Horizon}) must equal the loss horizon ({horizon}).", nameof(proposal));
        }
    }

    private static Tensor CheckedField(Func<Tensor, Tensor> field, Tensor flat, long[] shape)
    {
        var input = flat.view(shape);
        var output = field(input);
        if (output is null || !output.shape.SequenceEqual(shape))
        {
            throw new ArgumentException(
                $"field must map a tensor of shape [{string.Join(", ", shape)}] to the same shape, got " +
                $"[{(output is null ? "null" : string.Join(", ", output.shape))}].", nameof(field));
        }

        return output.reshape(flat.shape[0], flat.shape[1]);
    }
}
