namespace FluxMatching.Data;

using static TorchSharp.torch;

/// <summary>
/// The data of a model trained on a user's finite data set, saved beside its checkpoint so that loading needs nothing
/// else: <c>path.data.npy</c> (training points [N, *S], data units), <c>path.heldout.npy</c> (held-out points, when
/// there are any) and <c>path.raw</c> (an empty marker: the data were not standardized). The standardization is fitted
/// again from the training points, which gives the same μ and s.
/// </summary>
public static class UserDataFiles
{
    /// <summary>Writes the files for <paramref name="data"/> when it is a <see cref="UserData"/> over a
    /// <see cref="PointCloud"/>; removes stale ones otherwise.</summary>
    /// <param name="data">The model's data source.</param>
    /// <param name="path">The checkpoint path.</param>
    public static void Save(IDataSource data, string path)
    {
        ArgumentNullException.ThrowIfNull(data);
        foreach (var stale in new[] { path + ".data.npy", path + ".heldout.npy", path + ".raw" })
        {
            if (File.Exists(stale))
            {
                File.Delete(stale);
            }
        }

        if (data is not UserData { Train: PointCloud train } user)
        {
            return;
        }

        NpyData.Write(path + ".data.npy", train.Points.reshape([train.Count, .. train.SampleShape]));
        if (user.HeldOut is { } held)
        {
            NpyData.Write(path + ".heldout.npy", held.Points.reshape([held.Count, .. held.SampleShape]));
        }

        if (user.Standardization is null)
        {
            File.WriteAllText(path + ".raw", "");
        }
    }

    /// <summary>The user data saved beside <paramref name="path"/>, or null when there is none (a built-in data set).</summary>
    /// <param name="path">The checkpoint path.</param>
    /// <param name="name">Name of the data set (the configuration's data name).</param>
    public static UserData? Load(string path, string name)
    {
        if (!File.Exists(path + ".data.npy"))
        {
            return null;
        }

        var train = Rename(NpyData.Read(path + ".data.npy"), name);
        var held = File.Exists(path + ".heldout.npy") ? Rename(NpyData.Read(path + ".heldout.npy"), name + " (held out)") : null;
        return new UserData(train, held, standardize: !File.Exists(path + ".raw"));
    }

    private static PointCloud Rename(PointCloud cloud, string name)
    {
        using var scope = NewDisposeScope();
        return new PointCloud(cloud.Points.reshape([cloud.Count, .. cloud.SampleShape]), name, cloud.Origin);
    }
}
