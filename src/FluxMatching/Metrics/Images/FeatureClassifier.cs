namespace FluxMatching.Metrics.Images;

using FluxMatching.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

/// <summary>
/// The small image classifier whose penultimate features define "FD (in-project classifier)" and KID here (no
/// Inception weights can be had offline): two 3×3 convolution stages (GroupNorm + ReLU + 2×2 max-pool each,
/// C → 16 → 32 channels), a third 3×3 convolution (32 channels, GroupNorm + ReLU), a linear layer to
/// <see cref="FeatureCount"/> features with ReLU (the penultimate features, like Inception's pool features they are
/// non-negative) and a linear head to the class logits. Images [N, C, H, W] in [−1, 1], H and W divisible by 4.
/// Parameters are drawn from a caller's generator (PyTorch's default bound 1/√fan_in), so training is reproducible
/// without the global generator. The buffer <c>test_accuracy</c> travels with the weights (NaN until measured).
/// </summary>
public sealed class FeatureClassifier : nn.Module<Tensor, Tensor>
{
    /// <summary>Version of the architecture; part of the cache file name, raised whenever the layers change.</summary>
    public const int ArchitectureVersion = 1;

    private readonly Sequential body;
    private readonly Linear penultimate;
    private readonly Linear head;

    /// <summary>Creates the network with parameters drawn from <paramref name="generator"/>.</summary>
    /// <param name="channels">Image channels C ≥ 1.</param>
    /// <param name="height">Image height H ≥ 4, divisible by 4.</param>
    /// <param name="width">Image width W ≥ 4, divisible by 4.</param>
    /// <param name="classes">Number of classes ≥ 2.</param>
    /// <param name="featureCount">Penultimate features F ≥ 2 (default 128).</param>
    /// <param name="generator">CPU generator of the initial parameters (null: the default generator).</param>
    public FeatureClassifier(int channels, int height, int width, int classes, int featureCount = 128,
        Generator? generator = null)
        : base(nameof(FeatureClassifier))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(featureCount, 2);
        if (height < 4 || width < 4 || height % 4 != 0 || width % 4 != 0)
        {
            throw new ArgumentException(
                $"height × width = {height} × {width}; both must be ≥ 4 and divisible by 4 (two 2×2 poolings).",
                nameof(height));
        }

        Channels = channels;
        Height = height;
        Width = width;
        Classes = classes;
        FeatureCount = featureCount;
        body = nn.Sequential(
            ("conv1", nn.Conv2d(channels, 16, 3, padding: 1)), ("norm1", Norm(4, 16)), ("act1", nn.ReLU()),
            ("pool1", nn.MaxPool2d(2)),
            ("conv2", nn.Conv2d(16, 32, 3, padding: 1)), ("norm2", Norm(8, 32)), ("act2", nn.ReLU()),
            ("pool2", nn.MaxPool2d(2)),
            ("conv3", nn.Conv2d(32, 32, 3, padding: 1)), ("norm3", Norm(8, 32)), ("act3", nn.ReLU()),
            ("flatten", nn.Flatten()));
        penultimate = nn.Linear(32L * (height / 4) * (width / 4), featureCount);
        head = nn.Linear(featureCount, classes);
        register_buffer("test_accuracy", full([1], Scalars.Shared(double.NaN), dtype: ScalarType.Float64));
        RegisterComponents();
        Initialize(generator);
    }

    /// <summary>Image channels C.</summary>
    public int Channels { get; }

    /// <summary>Image height H.</summary>
    public int Height { get; }

    /// <summary>Image width W.</summary>
    public int Width { get; }

    /// <summary>Number of classes.</summary>
    public int Classes { get; }

    /// <summary>Penultimate features F.</summary>
    public int FeatureCount { get; }

    /// <summary>Accuracy on the held-out split, in [0, 1], stored with the weights (NaN until measured).</summary>
    public double TestAccuracy
    {
        get
        {
            using var scope = NewDisposeScope();
            return AccuracyBuffer.cpu().to(ScalarType.Float64).item<double>();
        }

        set
        {
            using (no_grad())
            {
                using var accuracy = value.ToScalar();
                AccuracyBuffer.fill_(accuracy);
            }
        }
    }

    /// <summary>Number of classes of a data set's labels: the largest label + 1 (at least 2).</summary>
    /// <param name="labels">[N] integer labels 0 … K − 1.</param>
    public static int ClassCount(Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        using var max = labels.max();
        return Math.Max(2, (int)max.item<long>() + 1);
    }

    /// <summary>Class logits [N, classes] of images [N, C, H, W].</summary>
    /// <param name="images">[N, C, H, W] in [−1, 1], on the module's device and dtype.</param>
    public override Tensor forward(Tensor images)
    {
        using var scope = NewDisposeScope();
        return head.forward(Features(images)).MoveToOuterDisposeScope();
    }

    /// <summary>The penultimate features [N, F] (after ReLU) of images [N, C, H, W].</summary>
    /// <param name="images">[N, C, H, W] in [−1, 1], on the module's device and dtype.</param>
    public Tensor Features(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.dim() != 4 || images.size(1) != Channels || images.size(2) != Height || images.size(3) != Width)
        {
            throw new ArgumentException(
                $"images must be [N, {Channels}, {Height}, {Width}], got [{string.Join(", ", images.shape)}].",
                nameof(images));
        }

        using var scope = NewDisposeScope();
        return nn.functional.relu(penultimate.forward(body.forward(images))).MoveToOuterDisposeScope();
    }

    /// <summary>The registered buffer (looked up each time: moving the module replaces it).</summary>
    private Tensor AccuracyBuffer => get_buffer("test_accuracy") ??
        throw new InvalidOperationException("The classifier has no test_accuracy buffer.");

    private static GroupNorm Norm(int groups, int channels) => nn.GroupNorm(groups, channels);

    private void Initialize(Generator? generator)
    {
        using var noGrad = no_grad();
        foreach (var module in modules())
        {
            switch (module)
            {
                case Conv2d conv:
                    long fanIn = conv.weight!.shape.Skip(1).Aggregate(1L, (a, b) => a * b);
                    Uniform(conv.weight!, fanIn, generator);
                    Uniform(conv.bias!, fanIn, generator);
                    break;
                case Linear linear:
                    Uniform(linear.weight!, linear.weight!.shape[1], generator);
                    Uniform(linear.bias!, linear.weight!.shape[1], generator);
                    break;
                case GroupNorm norm:   // TorchSharp leaves the affine parameters uninitialized
                    norm.weight!.fill_(Scalars.One);
                    norm.bias!.zero_();
                    break;
                default:
                    break;
            }
        }
    }

    private static void Uniform(Tensor parameter, long fanIn, Generator? generator)
    {
        double bound = 1.0 / Math.Sqrt(fanIn);
        using var draw = rand(parameter.shape, ScalarType.Float64, generator: generator);
        using var sc = new Scalars();
        parameter.copy_(draw.mul_(sc[2 * bound]).sub_(sc[bound]));
    }
}
