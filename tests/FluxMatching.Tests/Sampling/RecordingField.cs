namespace FluxMatching.Tests.Sampling;

using FluxMatching.Fields;

/// <summary>A test field f(x) = c·x that records the σ values it is called with.</summary>
internal sealed class RecordingField(int dimension, bool noiseConditioned, double slope = 0) : IVectorField
{
    public List<double> Sigmas { get; } = [];

    public int Dimension => dimension;

    public bool IsNoiseConditioned => noiseConditioned;

    public Tensor Evaluate(Tensor x, Tensor? sigma = null)
    {
        if (sigma is not null)
        {
            Sigmas.Add(sigma.to(ScalarType.Float64).item<double>());
        }

        return x.mul(slope);
    }
}
