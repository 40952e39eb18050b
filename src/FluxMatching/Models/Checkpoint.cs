namespace FluxMatching.Models;

using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using FluxMatching.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Saves and loads <see cref="FluxModel"/>s. The weights go to TorchSharp's own binary state-dict format (plain
/// tensors; nothing in it is executed on load). A JSON sidecar (<c>path + ".json"</c>) holds the configuration, the
/// step, the data set, the loss history, the dtype and the weights' SHA-256. Both are written to temporary files and
/// renamed, the sidecar last, and the previous weights are kept until then, so a process killed at any point of a save
/// leaves a checkpoint that loads (the previous one or the new one); damaged weights fail the checksum.
/// </summary>
public static class Checkpoint
{
    /// <summary>Format version written to the sidecar.</summary>
    public const int FormatVersion = 1;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    /// <summary>Writes the model's weights to <paramref name="path"/> and its sidecar to <c>path + ".json"</c>.
    /// Each file is written to a temporary name and renamed; the sidecar holds the weights' SHA-256 and is renamed
    /// last, and until then a copy of the previous weights (<c>path + ".prev"</c>) is kept, so a process killed at any
    /// point of the write leaves a checkpoint that loads: the previous one or the new one.</summary>
    /// <exception cref="IOException">The folder cannot be written, or the path is a folder; the message names the
    /// path.</exception>
    public static void Save(FluxModel model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            throw new IOException($"'{path}' is a folder; allowed: a checkpoint file path.");
        }

        var dir = Path.GetDirectoryName(full)!;
        var weightsTmp = full + ".tmp-" + Environment.ProcessId;
        var sidecarTmp = full + ".json.tmp-" + Environment.ProcessId;
        var previous = full + PreviousSuffix;
        try
        {
            Directory.CreateDirectory(dir);
            model.save(weightsTmp);
            var sidecar = new CheckpointInfo(FormatVersion, model.Config, model.Data.Dimension, model.StepsTrained,
                model.ParameterCount, model.LossHistory.ToArray(), DateTimeOffset.UtcNow)
            {
                WeightsSha256 = Sha256(weightsTmp),
                Dtype = model.Field.DType == ScalarType.Float64 ? "float64" : "float32",
            };
            File.WriteAllText(sidecarTmp, JsonSerializer.Serialize(sidecar, Json));
            if (File.Exists(full))
            {
                File.Copy(full, previous, overwrite: true);
            }

            File.Move(weightsTmp, full, overwrite: true);      // from here until the next line the old sidecar names
            File.Move(sidecarTmp, full + ".json", overwrite: true);   // the previous weights, kept in path + ".prev"
            File.Delete(previous);
            FluxMatching.Data.UserDataFiles.Save(model.Data, full);   // a user's finite data set travels with the model
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new IOException($"Cannot save the model to '{path}': {e.Message}", e);
        }
        finally
        {
            foreach (var tmp in new[] { weightsTmp, sidecarTmp })
            {
                if (File.Exists(tmp))
                {
                    File.Delete(tmp);
                }
            }
        }
    }

    /// <summary>Suffix of the copy of the previous weights kept while a save is under way.</summary>
    public const string PreviousSuffix = ".prev";

    /// <summary>The largest sidecar read (a loss history of millions of steps fits).</summary>
    public const long MaxSidecarBytes = 256L << 20;

    /// <summary>
    /// Loads a checkpoint written by <see cref="Save"/>.
    /// </summary>
    /// <param name="path">Checkpoint file path.</param>
    /// <param name="device">Device for the parameters (null: CPU).</param>
    /// <param name="expectedDimension">When given, the data dimension the checkpoint must have.</param>
    /// <exception cref="FileNotFoundException">The checkpoint or its sidecar is missing.</exception>
    /// <exception cref="InvalidDataException">The sidecar or the weights are corrupt, or the dimension or
    /// architecture does not match; the message says which.</exception>
    public static FluxModel Load(string path, Device? device = null, int? expectedDimension = null) =>
        LoadWith(path, null, device, expectedDimension);

    /// <summary>Loads a model saved by <see cref="Save"/> that was trained on a custom data source (e.g. your own
    /// image set): the configuration and weights come from the checkpoint, the data from <paramref name="data"/>.
    /// </summary>
    /// <param name="path">Checkpoint file path.</param>
    /// <param name="data">The data source the model was trained on (its dimension must match).</param>
    /// <param name="device">Device to load onto (null: CPU).</param>
    public static FluxModel Load(string path, FluxMatching.Data.IDataSource data, Device? device)
    {
        ArgumentNullException.ThrowIfNull(data);
        return LoadWith(path, data, device, null);
    }

    private static FluxModel LoadWith(string path, FluxMatching.Data.IDataSource? data, Device? device, int? expectedDimension)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (Directory.Exists(path))
        {
            throw new FileNotFoundException($"'{path}' is a folder; allowed: a checkpoint file.", path);
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No checkpoint at '{path}'.", path);
        }

        var info = ReadInfo(path);
        if (expectedDimension is int d && d != info.Dimension)
        {
            throw new InvalidDataException($"Checkpoint '{path}' has data dimension {info.Dimension}, expected {d}.");
        }

        var weights = WeightsFor(path, info);
        FluxModel model;
        try
        {
            model = new FluxModel(info.Config, data ?? FluxMatching.Data.UserDataFiles.Load(path, info.Config.Data), 0, CPU);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"Checkpoint '{path}' has an invalid configuration: {UsageErrors.OneLine(e)}", e);
        }
        try
        {
            if (model.Data.Dimension != info.Dimension)
            {
                throw new InvalidDataException($"Checkpoint '{path}' says dimension {info.Dimension} but data set '{info.Config.Data}' has {model.Data.Dimension}.");
            }

            if (model.ParameterCount != info.ParameterCount)
            {
                throw new InvalidDataException($"Checkpoint '{path}' says {info.ParameterCount} parameters but its configuration builds {model.ParameterCount}.");
            }

            if (info.Dtype == "float64")
            {
                model.to(ScalarType.Float64);
            }

            model.load(weights, strict: true);
        }
        catch (InvalidDataException)
        {
            model.Dispose();
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            model.Dispose();
            throw new InvalidDataException($"Checkpoint '{path}' could not be read as FluxMatching weights ({UsageErrors.OneLine(e.Message)}).", e);
        }
        model.StepsTrained = info.Step;
        model.LossHistory.AddRange(info.LossHistory ?? []);
        if (device is not null && device.type != TorchSharp.DeviceType.CPU)
        {
            model.MoveTo(device);
        }

        return model;
    }

    /// <summary>The weights file the sidecar describes: <paramref name="path"/>, or the previous weights kept by a
    /// save that was interrupted between its two renames.</summary>
    private static string WeightsFor(string path, CheckpointInfo info)
    {
        if (info.WeightsSha256 is null)
        {
            return path;   // written before checksums: read as is
        }

        if (string.Equals(Sha256(path), info.WeightsSha256, StringComparison.OrdinalIgnoreCase))
        {
            return path;
        }

        var previous = path + PreviousSuffix;
        if (File.Exists(previous) && string.Equals(Sha256(previous), info.WeightsSha256, StringComparison.OrdinalIgnoreCase))
        {
            return previous;
        }

        throw new InvalidDataException($"Checkpoint '{path}' is corrupt: its weights do not match the SHA-256 in its sidecar (the file was changed, truncated or damaged).");
    }

    private static string Sha256(string file)
    {
        using var stream = File.OpenRead(file);
        return Convert.ToHexString(SHA256.HashData(stream));
    }

    /// <summary>Reads and validates only the JSON sidecar of a checkpoint.</summary>
    /// <exception cref="InvalidDataException">The sidecar is missing fields or is not JSON.</exception>
    public static CheckpointInfo ReadInfo(string path)
    {
        var sidecar = path + ".json";
        if (!File.Exists(sidecar))
        {
            throw new FileNotFoundException($"Checkpoint '{path}' has no sidecar '{sidecar}'.", sidecar);
        }

        CheckpointInfo? info;
        try
        {
            if (new FileInfo(sidecar).Length > MaxSidecarBytes)
            {
                throw new InvalidDataException($"Sidecar '{sidecar}' is larger than {MaxSidecarBytes >> 20} MB; it is not a checkpoint sidecar.");
            }

            info = JsonSerializer.Deserialize<CheckpointInfo>(File.ReadAllText(sidecar), Json);
        }
        catch (JsonException e)
        {
            var where = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "" : $" at {e.Path}";
            throw new InvalidDataException($"Sidecar '{sidecar}' is not a valid checkpoint sidecar: a value{where} is missing, of the wrong type or out of range.", e);
        }
        if (info is null || info.Config is null)
        {
            throw new InvalidDataException($"Sidecar '{sidecar}' has no configuration.");
        }

        if (info.FormatVersion != FormatVersion)
        {
            throw new InvalidDataException($"Sidecar '{sidecar}' has format version {info.FormatVersion}; this library reads version {FormatVersion}.");
        }

        if (info.Dimension < 1 || info.Step < 0 || info.ParameterCount < 0)
        {
            throw new InvalidDataException($"Sidecar '{sidecar}' has dimension {info.Dimension}, step {info.Step} and {info.ParameterCount} parameters; allowed: dimension ≥ 1, step ≥ 0, parameters ≥ 0.");
        }

        if (info.LossHistory is { } losses && losses.Length > info.Step)
        {
            throw new InvalidDataException($"Sidecar '{sidecar}' has {losses.Length} losses for {info.Step} steps; allowed: at most one per step.");
        }

        if (info.Dtype is not (null or "float32" or "float64"))
        {
            throw new InvalidDataException($"Sidecar '{sidecar}' has dtype '{info.Dtype}'; allowed: float32, float64.");
        }

        return info;
    }
}

/// <summary>The JSON sidecar of a checkpoint.</summary>
/// <param name="FormatVersion">Sidecar format version (<see cref="Checkpoint.FormatVersion"/>).</param>
/// <param name="Config">The model configuration.</param>
/// <param name="Dimension">Data dimension D.</param>
/// <param name="Step">Optimizer steps taken when saved.</param>
/// <param name="ParameterCount">Trainable parameters.</param>
/// <param name="LossHistory">Per-step batch-mean loss.</param>
/// <param name="SavedAt">When the checkpoint was written (UTC).</param>
public sealed record CheckpointInfo(int FormatVersion, FluxModelConfig Config, int Dimension, int Step,
    long ParameterCount, double[]? LossHistory, DateTimeOffset SavedAt)
{
    /// <summary>SHA-256 of the weights file (hex); null in checkpoints written before it was recorded.</summary>
    public string? WeightsSha256 { get; init; }

    /// <summary>Element type of the weights, "float32" or "float64" (null: float32).</summary>
    public string? Dtype { get; init; }
}
