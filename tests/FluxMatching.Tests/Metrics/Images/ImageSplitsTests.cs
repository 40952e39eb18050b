namespace FluxMatching.Tests.Metrics.Images;

using FluxMatching.Metrics.Images;
using FluxMatching.Tests.Data;

public class ImageSplitsTests
{
    [Fact]
    public void A_split_keeps_the_first_images_for_training_and_the_rest_for_testing()
    {
        using var splits = ClassifierTests.Synthetic(10, 7, 1);
        using var again = ClassifierTests.Synthetic(10, 9, 1);
        Assert.Equal((7, 3), (splits.Train.Count, splits.Test.Count));
        Assert.True(splits.Train.Images.equal(again.Train.Images.narrow(0, 0, 7)).all().item<bool>());
        Assert.True(splits.Test.Labels[0].equal(again.Train.Labels[7]).item<bool>());
    }

    [Fact]
    public void A_split_that_leaves_a_side_empty_is_refused_with_the_allowed_range()
    {
        using var splits = ClassifierTests.Synthetic(10, 7, 1);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ImageSplits.Split(splits.Train, 7));
        Assert.Contains("[1, 6]", e.Message);
    }

    [MnistFact]
    public void Mnist_digits_split_into_eight_thousand_for_training_and_two_thousand_for_testing_with_every_digit()
    {
        using var splits = ImageSplits.Load("mnist");
        Assert.Equal((8000, 2000), (splits.Train.Count, splits.Test.Count));
        using var counts = splits.Test.Labels.bincount(null);
        Assert.Equal(10, counts.shape[0]);
        Assert.True(counts.min().item<long>() > 100);   // the file groups digits by class: a plain cut would not
    }

    [Fact]
    public void A_stratified_cut_takes_the_same_fraction_of_every_class()
    {
        using var scope = NewDisposeScope();
        var labels = cat([zeros(10, ScalarType.Int64), ones(20, ScalarType.Int64)]);
        using var data = new FluxMatching.Data.ImageDataset("sorted", arange(30).to(ScalarType.Byte).view(30, 1, 1, 1), labels);
        using var splits = ImageSplits.Stratified(data, 0.8);
        Assert.Equal(new long[] { 8, 16 }, splits.Train.Labels.bincount(null).data<long>().ToArray());
        Assert.Equal(new long[] { 2, 4 }, splits.Test.Labels.bincount(null).data<long>().ToArray());
        Assert.Equal(8, splits.Test.Images[0].item<byte>());   // class 0's images 8 and 9 test
    }

    [FashionMnistFact]
    public void Fashion_mnist_keeps_its_own_splits()
    {
        using var splits = ImageSplits.Load("fashion-mnist");
        Assert.Equal((60000, 10000), (splits.Train.Count, splits.Test.Count));
    }
}
