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
    public void Mnist_digits_split_into_eight_thousand_for_training_and_two_thousand_for_testing()
    {
        using var splits = ImageSplits.Load("mnist");
        Assert.Equal((8000, 2000), (splits.Train.Count, splits.Test.Count));
    }

    [FashionMnistFact]
    public void Fashion_mnist_keeps_its_own_splits()
    {
        using var splits = ImageSplits.Load("fashion-mnist");
        Assert.Equal((60000, 10000), (splits.Train.Count, splits.Test.Count));
    }
}
