namespace FluxMatching.Interop;

using static TorchSharp.torch;

/// <summary>
/// Copies named tensors into a module's parameters and buffers by PyTorch name (strict, like PyTorch's
/// <c>load_state_dict(strict=True)</c>), and gathers them back out.
/// </summary>
public static class ModuleStateDict
{
    /// <summary>Copies <paramref name="source"/> into <paramref name="module"/>: every entry of the module's state
    /// dict must be present (under <paramref name="prefix"/>) with the same shape, and, unless
    /// <paramref name="allowExtra"/>, no other entry under the prefix may exist. Values are converted to each
    /// parameter's dtype and device.</summary>
    /// <param name="module">The destination module.</param>
    /// <param name="source">Name → tensor (e.g. from <see cref="StateDictFile.Read(string)"/>).</param>
    /// <param name="prefix">Prefix of the module's names in <paramref name="source"/> (e.g. <c>nn_model.</c>); ""
    /// for none.</param>
    /// <param name="allowExtra">True: ignore entries under the prefix that the module does not have.</param>
    /// <exception cref="InvalidDataException">Missing, unexpected or mis-shaped entries (all listed in one
    /// message).</exception>
    public static void Load(nn.Module module, IReadOnlyDictionary<string, Tensor> source, string prefix = "",
        bool allowExtra = false)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(prefix);
        var target = module.state_dict();
        var missing = new List<string>();
        var mismatched = new List<string>();
        foreach (var (name, tensor) in target)
        {
            if (!source.TryGetValue(prefix + name, out var value))
            {
                missing.Add(prefix + name);
            }
            else if (!value.shape.SequenceEqual(tensor.shape))
            {
                mismatched.Add($"{prefix + name} is [{string.Join(", ", value.shape)}], expected " +
                               $"[{string.Join(", ", tensor.shape)}]");
            }
        }

        var unexpected = allowExtra
            ? []
            : source.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal) &&
                                     !target.ContainsKey(k[prefix.Length..])).ToList();
        if (missing.Count + mismatched.Count + unexpected.Count > 0)
        {
            var parts = new List<string>();
            if (missing.Count > 0)
            {
                parts.Add($"{missing.Count} missing ({Few(missing)})");
            }

            if (mismatched.Count > 0)
            {
                parts.Add($"{mismatched.Count} of another shape ({Few(mismatched)})");
            }

            if (unexpected.Count > 0)
            {
                parts.Add($"{unexpected.Count} unexpected ({Few(unexpected)})");
            }

            throw new InvalidDataException(
                $"The state dict does not fit the {module.GetName()} ({target.Count} entries expected): " +
                string.Join("; ", parts) + ".");
        }

        using var _ = no_grad();
        foreach (var (name, tensor) in target)
        {
            tensor.copy_(source[prefix + name]);
        }
    }

    /// <summary>The module's parameters and buffers by name, each prefixed (detached views; copy before
    /// mutating).</summary>
    /// <param name="module">The module.</param>
    /// <param name="prefix">Prefix for every name ("" for none).</param>
    public static Dictionary<string, Tensor> Get(nn.Module module, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(module);
        return module.state_dict().ToDictionary(e => prefix + e.Key, e => e.Value.detach(), StringComparer.Ordinal);
    }

    private static string Few(IReadOnlyList<string> names) =>
        string.Join(", ", names.Take(3)) + (names.Count > 3 ? ", …" : "");
}
