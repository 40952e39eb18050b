namespace FluxMatching.Models;

using System.Text.Json;
using System.Text.Json.Serialization;
using FluxMatching.Training;
using static TorchSharp.torch;

/// <summary>
/// Saves and loads <see cref="FluxModel"/>s. The weights go to TorchSharp's own binary state-dict format (plain
/// tensors; nothing in it is executed on load), written to a temporary file and then renamed, so a crash never
/// leaves a half-written checkpoint. A JSON sidecar (<c>path + ".json"</c>) holds the configuration, the step, the
/// data set and the loss history.
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

    /// <summary>Writes the model's weights to <paramref name="path"/> and its sidecar to <c>path + ".json"</c>.</summary>
    /// <exception cref="IOException">The folder cannot be written; the message names the path.</exception>
    public static void Save(FluxModel model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        try
        {
            Directory.CreateDirectory(dir);
            var sidecar = new CheckpointInfo(FormatVersion, model.Config, model.Data.Dimension, model.StepsTrained,
                model.ParameterCount, model.LossHistory.ToArray(), DateTimeOffset.UtcNow);
            WriteAtomically(full, tmp => model.save(tmp));
            WriteAtomically(full + ".json", tmp => File.WriteAllText(tmp, JsonSerializer.Serialize(sidecar, Json)));
            FluxMatching.Data.UserDataFiles.Save(model.Data, full);   // a user's finite data set travels with the model
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new IOException($"Cannot save the model to '{path}': {e.Message}", e);
        }
    }

    /// <summary>
    /// Loads a checkpoint written by <see cref="Save"/>.
    /// </summary>
    /// <param name="path">Checkpoint file path.</param>
    /// <param name="device">Device for the parameters (null: CPU).</param>
    /// <param name="expectedDimension">When given, the data dimension the checkpoint must have.</param>
    /// <exception cref="FileNotFoundException">The checkpoint or its sidecar is missing.</exception>
    /// <exception cref="InvalidDataException">The sidecar or the weights are corrupt, or the dimension or
    /// architecture does not match; the message says which.</exception>
    public static FluxModel Load(string path, Device? device = null, int? expectedDimension = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"No checkpoint at '{path}'.", path);
        var info = ReadInfo(path);
        if (expectedDimension is int d && d != info.Dimension)
            throw new InvalidDataException($"Checkpoint '{path}' has data dimension {info.Dimension}, expected {d}.");
        FluxModel model;
        try
        {
            model = new FluxModel(info.Config, FluxMatching.Data.UserDataFiles.Load(path, info.Config.Data), 0, CPU);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"Checkpoint '{path}' has an invalid configuration: {e.Message}", e);
        }
        if (model.Data.Dimension != info.Dimension)
            throw new InvalidDataException($"Checkpoint '{path}' says dimension {info.Dimension} but data set '{info.Config.Data}' has {model.Data.Dimension}.");
        try
        {
            model.load(path, strict: true);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            model.Dispose();
            throw new InvalidDataException($"Checkpoint '{path}' could not be read as FluxMatching weights ({e.GetType().Name}: {e.Message}).", e);
        }
        model.StepsTrained = info.Step;
        model.LossHistory.AddRange(info.LossHistory ?? []);
        if (device is not null && device.type != TorchSharp.DeviceType.CPU) model.MoveTo(device);
        return model;
    }

    /// <summary>Reads and validates only the JSON sidecar of a checkpoint.</summary>
    /// <exception cref="InvalidDataException">The sidecar is missing fields or is not JSON.</exception>
    public static CheckpointInfo ReadInfo(string path)
    {
        var sidecar = path + ".json";
        if (!File.Exists(sidecar)) throw new FileNotFoundException($"Checkpoint '{path}' has no sidecar '{sidecar}'.", sidecar);
        CheckpointInfo? info;
        try
        {
            info = JsonSerializer.Deserialize<CheckpointInfo>(File.ReadAllText(sidecar), Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Sidecar '{sidecar}' is not valid JSON: {e.Message}", e);
        }
        if (info is null || info.Config is null)
            throw new InvalidDataException($"Sidecar '{sidecar}' has no configuration.");
        if (info.FormatVersion != FormatVersion)
            throw new InvalidDataException($"Sidecar '{sidecar}' has format version {info.FormatVersion}; this library reads version {FormatVersion}.");
        return info;
    }

    private static void WriteAtomically(string path, Action<string> write)
    {
        var tmp = path + ".tmp-" + Environment.ProcessId;
        try
        {
            write(tmp);
            File.Move(tmp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
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
    long ParameterCount, double[]? LossHistory, DateTimeOffset SavedAt);
