namespace FluxMatching.Tests.Reliability;

using System.Text.Json.Nodes;
using FluxMatching.Models;
using FluxMatching.Runtime;

/// <summary>
/// Hostile and corrupt checkpoints: truncated, bit-flipped, empty, wrong architecture, wrong dtype, sidecars with wrong
/// types or huge numbers. Each load fails with one <see cref="InvalidDataException"/> line naming the file, and changes
/// nothing: the folder holds the same files with the same bytes afterwards.
/// </summary>
public sealed class CorruptCheckpointTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("flux-corrupt-").FullName;

    public void Dispose() => Directory.Delete(this.dir, recursive: true);

    private string Saved(FluxModelConfig? config = null, bool float64 = false)
    {
        var path = Path.Combine(this.dir, "m.pt");
        using var model = new FluxModel(config ?? new FluxModelConfig { Hidden = 8, Depth = 1 }, seed: 5);
        if (float64)
        {
            model.to(ScalarType.Float64);
        }

        model.Save(path);
        return path;
    }

    private static void EditSidecar(string path, Action<JsonObject> edit)
    {
        var json = JsonNode.Parse(File.ReadAllText(path + ".json"))!.AsObject();
        edit(json);
        File.WriteAllText(path + ".json", json.ToJsonString());
    }

    public static TheoryData<string, string> Cases => new()
    {
        { "weights truncated to half", "is corrupt: its weights do not match the SHA-256 in its sidecar" },
        { "weights truncated to 1 byte", "is corrupt" },
        { "weights empty", "is corrupt" },
        { "one bit flipped in the weights", "is corrupt" },
        { "weights of another architecture (hidden 16 for 8)", "could not be read as FluxMatching weights" },
        { "float64 weights, sidecar says float32", "could not be read as FluxMatching weights" },
        { "sidecar empty", "is not a valid checkpoint sidecar" },
        { "sidecar not JSON", "is not a valid checkpoint sidecar" },
        { "sidecar Step is a string", "is not a valid checkpoint sidecar: a value at $.Step is missing, of the wrong type or out of range." },
        { "sidecar Step is 1e30", "a value at $.Step is missing, of the wrong type or out of range." },
        { "sidecar Step is -1", "step -1" },
        { "sidecar Hidden is 99999999999", "a value at $.Config.Hidden is missing, of the wrong type or out of range." },
        { "sidecar Hidden is 2000000000", "has an invalid configuration: hidden must be between 1 and 65536; got 2000000000." },
        { "sidecar Sigma2 is -1", "has an invalid configuration: sigma2 must be a finite number > 0; got -1." },
        { "sidecar Data is unknown", "has an invalid configuration: Unknown data set 'nowhere'" },
        { "sidecar Dimension is 3", "says dimension 3 but data set 'ring' has 2" },
        { "sidecar ParameterCount is wrong", "says 1 parameters but its configuration builds" },
        { "sidecar LossHistory longer than Step", "losses for 0 steps" },
        { "sidecar FormatVersion is 99", "has format version 99" },
        { "sidecar Dtype is float16", "has dtype 'float16'; allowed: float32, float64." },
        { "sidecar Config missing", "has no configuration" },
        { "sidecar missing", "has no sidecar" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_corrupt_checkpoint_is_one_clear_error_and_changes_nothing(string damage, string expected)
    {
        var path = Saved(damage.StartsWith("float64", StringComparison.Ordinal) ? null : null, float64: damage.StartsWith("float64", StringComparison.Ordinal));
        Damage(path, damage);
        var before = Snapshot();
        var e = Record.Exception(() => Checkpoint.Load(path));
        Assert.NotNull(e);
        Assert.True(e is InvalidDataException or FileNotFoundException, $"{damage}: {e.GetType().Name}: {e.Message}");
        var line = UsageErrors.OneLine(e);
        Assert.Contains(expected, line);
        Assert.Contains(path, line);
        Assert.DoesNotContain("System.", line);
        Assert.DoesNotContain("Exception", line);
        Assert.Equal(before, Snapshot());
        Catalogue.Record("checkpoint", damage, line.Replace(this.dir, "<dir>", StringComparison.Ordinal));
    }

    [Fact]
    public void A_float64_model_round_trips_in_float64()
    {
        var path = Saved(float64: true);
        using var loaded = Checkpoint.Load(path);
        Assert.Equal(ScalarType.Float64, loaded.Field.DType);
    }

    [Fact]
    public void A_truncated_checkpoint_leaves_an_existing_model_untouched()
    {
        var path = Saved();
        using var keep = Checkpoint.Load(path);
        var before = keep.parameters().Select(p => p.detach().clone()).ToList();
        Damage(path, "weights truncated to half");
        Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path));
        foreach (var (p, q) in keep.parameters().Zip(before))
        {
            Assert.True(p.equal(q).all().item<bool>());
        }
    }

    private void Damage(string path, string damage)
    {
        var bytes = File.ReadAllBytes(path);
        switch (damage)
        {
            case "weights truncated to half": File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]); break;
            case "weights truncated to 1 byte": File.WriteAllBytes(path, bytes[..1]); break;
            case "weights empty": File.WriteAllBytes(path, []); break;
            case "one bit flipped in the weights":
                bytes[bytes.Length - 7] ^= 0x10;
                File.WriteAllBytes(path, bytes);
                break;
            case "weights of another architecture (hidden 16 for 8)":
                using (var other = new FluxModel(new FluxModelConfig { Hidden = 16, Depth = 1 }, seed: 1))
                {
                    other.save(path);
                }

                EditSidecar(path, j => j.Remove("WeightsSha256"));
                break;
            case "float64 weights, sidecar says float32": EditSidecar(path, j => j["Dtype"] = "float32"); break;
            case "sidecar empty": File.WriteAllText(path + ".json", ""); break;
            case "sidecar not JSON": File.WriteAllText(path + ".json", "{ this is not json"); break;
            case "sidecar Step is a string": EditSidecar(path, j => j["Step"] = "three"); break;
            case "sidecar Step is 1e30": EditSidecar(path, j => j["Step"] = 1e30); break;
            case "sidecar Step is -1": EditSidecar(path, j => j["Step"] = -1); break;
            case "sidecar Hidden is 99999999999": EditSidecar(path, j => j["Config"]!["Hidden"] = 99999999999L); break;
            case "sidecar Hidden is 2000000000": EditSidecar(path, j => j["Config"]!["Hidden"] = 2000000000); break;
            case "sidecar Sigma2 is -1": EditSidecar(path, j => j["Config"]!["Sigma2"] = -1); break;
            case "sidecar Data is unknown": EditSidecar(path, j => j["Config"]!["Data"] = "nowhere"); break;
            case "sidecar Dimension is 3": EditSidecar(path, j => j["Dimension"] = 3); break;
            case "sidecar ParameterCount is wrong": EditSidecar(path, j => j["ParameterCount"] = 1); break;
            case "sidecar LossHistory longer than Step": EditSidecar(path, j => j["LossHistory"] = new JsonArray(1.0, 2.0)); break;
            case "sidecar FormatVersion is 99": EditSidecar(path, j => j["FormatVersion"] = 99); break;
            case "sidecar Dtype is float16": EditSidecar(path, j => j["Dtype"] = "float16"); break;
            case "sidecar Config missing": EditSidecar(path, j => j.Remove("Config")); break;
            case "sidecar missing": File.Delete(path + ".json"); break;
            default: Assert.Fail($"no such damage: {damage}"); break;
        }
    }

    private SortedDictionary<string, string> Snapshot() =>
        new(Directory.GetFiles(this.dir).ToDictionary(f => Path.GetFileName(f)!, f => Convert.ToHexString(File.ReadAllBytes(f))), StringComparer.Ordinal);
}
