namespace FluxMatching.Data;

using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// A user's data set as a model trains on it: the training source, an optional held-out set for metrics and an
/// optional standardization. <see cref="Sample"/> draws standardized training points ("model units");
/// <see cref="ToDataUnits"/> maps samples back.
/// </summary>
public sealed class UserData : IDataSource
{
    /// <summary>Prepares <paramref name="source"/> (a <see cref="PointCloud"/> or any other data source).</summary>
    /// <param name="source">The data, in data units.</param>
    /// <param name="options">Hold-out fraction, standardization (null: defaults — standardized, nothing held out).</param>
    /// <exception cref="ArgumentException">A hold-out was asked of a source that is not finite, or leaves too few points.</exception>
    public UserData(IDataSource source, UserDataOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        options ??= new UserDataOptions();
        options.Validate();
        if (source is UserData nested)
        {
            source = nested.Train;
        }

        if (options.Holdout > 0)
        {
            if (source is not PointCloud cloud)
            {
                throw new ArgumentException($"holdout needs a finite data set (a tensor, an array or a file); '{source.Name}' is a {source.GetType().Name}.", nameof(options));
            }

            (source, HeldOut) = cloud.Split(options.Holdout, options.Seed);
        }
        Train = source;
        if (options.Standardize)
        {
            if (source is PointCloud c)
            {
                Standardization = Standardization.Fit(c.Points);
            }
            else
            {
                using var scope = torch.NewDisposeScope();
                Standardization = Standardization.Fit(source.Sample(options.StatisticsDraws, new Generator((ulong)options.Seed), CPU, ScalarType.Float64));
            }
        }
        Options = options;
    }

    /// <summary>Rebuilds a prepared data set from its parts (a saved model's data: <see cref="UserDataFiles"/>).</summary>
    /// <param name="train">The training points (data units).</param>
    /// <param name="heldOut">The held-out points, or null.</param>
    /// <param name="standardize">Fit and apply the standardization to <paramref name="train"/>.</param>
    public UserData(PointCloud train, PointCloud? heldOut, bool standardize)
    {
        ArgumentNullException.ThrowIfNull(train);
        Train = train;
        HeldOut = heldOut;
        if (standardize)
        {
            Standardization = Standardization.Fit(train.Points);
        }

        Options = new UserDataOptions { Standardize = standardize };
    }

    /// <inheritdoc />
    public string Name => Train.Name;

    /// <inheritdoc />
    public int Dimension => Train.Dimension;

    /// <summary>Shape S of one point (the model's field sees [B, D], D = ∏S).</summary>
    public long[] SampleShape => Train is PointCloud c ? c.SampleShape : [Dimension];

    /// <summary>The training data, in data units.</summary>
    public IDataSource Train { get; }

    /// <summary>The held-out points (data units), or null.</summary>
    public PointCloud? HeldOut { get; }

    /// <summary>The standardization applied before training, or null.</summary>
    public Standardization? Standardization { get; }

    /// <summary>The options this data set was prepared with.</summary>
    public UserDataOptions Options { get; }

    /// <summary>Draws n training points [n, D] in model units (standardized when <see cref="Standardization"/> is set).</summary>
    public Tensor Sample(int n, Generator? generator = null, Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        var x = Train.Sample(n, generator, device, dtype);
        if (Standardization is null)
        {
            return x;
        }

        using (x)
        {
            return Standardization.Apply(x);
        }
    }

    /// <summary>Maps points [.., D] from model units to data units (x = μ + s z; unchanged without standardization).</summary>
    public Tensor ToDataUnits(Tensor z) => Standardization?.Invert(z) ?? z.alias();

    /// <summary>Maps points [.., D] from data units to model units.</summary>
    public Tensor ToModelUnits(Tensor x) => Standardization?.Apply(x) ?? x.alias();

    /// <summary>One line for model cards: size, origin, held-out part and standardization.</summary>
    public string Describe()
    {
        var what = Train is PointCloud c
            ? $"{c.Count + (HeldOut?.Count ?? 0)} points of shape [{string.Join(", ", c.SampleShape)}] from {c.Origin}"
            : $"data source '{Train.Name}' (D = {Dimension})";
        var held = HeldOut is null ? "" : $"; {HeldOut.Count} held out for metrics";
        var standard = Standardization is null
            ? "; not standardized"
            : "; standardized per coordinate (mean 0, std 1) for training, samples and plots mapped back to data units";
        return what + held + standard;
    }
}
