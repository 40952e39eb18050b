namespace FluxMatching.Tests.RnaVelocity;

using FluxMatching.RnaVelocity;
using static TorchSharp.torch;

public class ShuffledEpochBatchesTests
{
    [Fact]
    public void Every_epoch_hands_out_each_cell_once_in_ceil_N_over_B_batches_with_the_remainder_last()
    {
        using var cells = arange(0, 10, ScalarType.Float64).reshape(10, 1);
        using var generator = new Generator(3);
        using var stream = new ShuffledEpochBatches(cells, 4, generator);
        Assert.Equal(3, stream.BatchesPerEpoch);
        var epochs = new List<List<double>>();
        for (int epoch = 0; epoch < 2; epoch++)
        {
            var seen = new List<double>();
            var sizes = new List<long>();
            for (int b = 0; b < 3; b++)
            {
                using var batch = stream.Next();
                sizes.Add(batch.size(0));
                seen.AddRange(batch.reshape(-1).data<double>().ToArray());
                Assert.Equal(b == 2, stream.EpochEnded);
            }

            Assert.Equal([4L, 4L, 2L], sizes);
            Assert.Equal(Enumerable.Range(0, 10).Select(i => (double)i), seen.Order());
            epochs.Add(seen);
        }

        Assert.Equal(2, stream.Epoch);
        Assert.NotEqual(epochs[0], epochs[1]);   // a fresh permutation each epoch
    }

    [Fact]
    public void The_same_generator_seed_gives_the_same_batches()
    {
        using var cells = arange(0, 9, ScalarType.Float64).reshape(9, 1);
        double[] Draw(ulong seed)
        {
            using var generator = new Generator(seed);
            using var stream = new ShuffledEpochBatches(cells, 5, generator);
            return [.. Enumerable.Range(0, 4).SelectMany(_ => { using var b = stream.Next(); return b.reshape(-1).data<double>().ToArray(); })];
        }

        Assert.Equal(Draw(7), Draw(7));
        Assert.NotEqual(Draw(7), Draw(8));
    }

    [Fact]
    public void A_batch_below_one_is_refused()
    {
        using var cells = zeros(3, 1);
        using var generator = new Generator(0);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ShuffledEpochBatches(cells, 0, generator));
        Assert.Equal("batch", e.ParamName);
    }
}
