namespace FluxMatching.Distributed.Tests.Worker;

using FluxMatching.Training;

/// <summary>Passes every call to <paramref name="inner"/> and keeps a copy of the last summed buffer.</summary>
internal sealed class RecordingReducer(IGradientReducer inner) : IGradientReducer
{
    public int Rank => inner.Rank;

    public int Size => inner.Size;

    public int ChecksumEvery => inner.ChecksumEvery;

    public double[] LastSum { get; private set; } = [];

    public void AllReduceSum(Tensor buffer)
    {
        inner.AllReduceSum(buffer);
        LastSum = buffer.to(ScalarType.Float64).data<double>().ToArray();
    }

    public void VerifyIdentical(long checksum, long step) => inner.VerifyIdentical(checksum, step);
}
