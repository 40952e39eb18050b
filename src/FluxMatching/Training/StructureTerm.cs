namespace FluxMatching.Training;

using FluxMatching.Fields;
using FluxMatching.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// A structure term: a function of the field and the clean batch added to the training objective with a weight,
/// λ·g(f_θ, x), as the spiral penalty of the authors' comparison notebook shapes the learned field (the loss of
/// paper Eq. 6 leaves the divergence-free part free; such a term picks one). The batch is in the units the model
/// trains in (standardized for a user's data set).
/// </summary>
/// <param name="Term">g(f, x [B, D]) → a 0-d tensor with a graph to f's parameters.</param>
/// <param name="Weight">λ, finite.</param>
/// <param name="Label">How messages name the term (e.g. the notebook variable).</param>
public sealed record StructureTerm(Func<IVectorField, Tensor, Tensor> Term, double Weight = 1.0, string Label = "structure term")
{
    /// <summary>The term as <see cref="TrainerOptions.ExtraLoss"/>: λ·g(trainable.Field, x), checked to be one number.</summary>
    /// <exception cref="ArgumentException">The weight is not finite, or (when training) the term returns more than one
    /// number; the message names the term and the shape.</exception>
    public Func<ITrainable, Tensor, Tensor> ToExtraLoss()
    {
        ArgumentNullException.ThrowIfNull(Term);
        if (!double.IsFinite(Weight))
        {
            throw new ArgumentOutOfRangeException(nameof(Weight), Weight, "the structure term's weight must be finite.");
        }

        var weight = Weight.ToScalar();   // one Scalar for the whole run, not one per step
        return (trainable, x) =>
        {
            var value = Term(trainable.Field, x)
                ?? throw new ArgumentException($"{Label} returned null; it must return a 0-d tensor.");
            if (value.numel() != 1)
            {
                throw new ArgumentException($"{Label} returned shape [{string.Join(", ", value.shape)}]; it must return one number (a 0-d tensor, e.g. .mean()).");
            }

            return value.reshape([]).mul(weight);
        };
    }

    /// <summary>Adds the term to <paramref name="options"/> (after any extra loss already there).</summary>
    public TrainerOptions AddTo(TrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var term = ToExtraLoss();
        var previous = options.ExtraLoss;
        return options with { ExtraLoss = previous is null ? term : (t, x) => previous(t, x).add(term(t, x), Scalars.One) };
    }
}
