namespace FluxMatching.Interop;

using System.Collections;
using FluxMatching.Fields.Images;
using FluxMatching.Losses;
using static TorchSharp.torch;

/// <summary>
/// The authors' PyTorch files for the image field, by their parameter names: a bare U-Net <c>state_dict</c>
/// (<c>image_proj.weight</c>, …), an EDM module's (<c>nn_model.image_proj.weight</c>, …), or a training checkpoint of
/// <c>experiments/exp3_unrestricted/cifar.py</c> (<c>{'MODEL': EDM state dict, 'EMA': ema-pytorch state dict with
/// ema_model.nn_model.*, 'opt_backbone': …, 'step': …}</c>). A model trained with the authors' code can be loaded
/// here, and one trained here written so that their code loads it.
/// </summary>
public static class EdmCheckpoint
{
    /// <summary>Name prefix of the U-Net in the trained weights of a training checkpoint.</summary>
    public const string ModelPrefix = "MODEL.nn_model.";

    /// <summary>Name prefix of the U-Net in the EMA weights of a training checkpoint.</summary>
    public const string EmaPrefix = "EMA.ema_model.nn_model.";

    /// <summary>Loads the U-Net weights of a file into <paramref name="field"/> (converted to its dtype and
    /// device).</summary>
    /// <param name="field">The destination; its architecture must match the file's.</param>
    /// <param name="path">A <c>torch.save</c> file (see the class summary).</param>
    /// <param name="which">Which weights of a training checkpoint.</param>
    /// <returns>The name prefix the weights were read under ("" for a bare U-Net state dict).</returns>
    /// <exception cref="InvalidDataException">The file is not a state dict, lacks the requested weights, or its
    /// shapes do not fit the field (one message listing what differs).</exception>
    public static string Load(EdmUNetField field, string path, CheckpointWeights which = CheckpointWeights.Auto)
    {
        ArgumentNullException.ThrowIfNull(field);
        using var scope = NewDisposeScope();
        var tensors = StateDictFile.Read(path);
        string prefix = Prefix(tensors, which, path);
        ModuleStateDict.Load(field.Network, tensors, prefix);
        return prefix;
    }

    /// <summary>Loads the auxiliary networks of a training checkpoint by the authors' names: the loss normalizer
    /// (<c>s_noise_normalizer.*</c>) and the exponential horizon proposal (<c>importance_sampler_net.*</c>), from the
    /// EMA copy, the trained model, or the checkpoint's own top-level entries (in that order for
    /// <see cref="CheckpointWeights.Auto"/>).</summary>
    /// <param name="path">The checkpoint.</param>
    /// <param name="normalizer">Destination of the normalizer, or null to skip it.</param>
    /// <param name="proposal">Destination of the proposal, or null to skip it.</param>
    /// <param name="which">Which weights.</param>
    /// <exception cref="InvalidDataException">A requested network is absent or of another width.</exception>
    public static void LoadAuxiliary(string path, LossNormalizer? normalizer, ExponentialTimeProposal? proposal,
        CheckpointWeights which = CheckpointWeights.Auto)
    {
        using var scope = NewDisposeScope();
        var tensors = StateDictFile.Read(path);
        foreach (var (net, name) in new (LogSigmaAffineNet?, string)[]
                 {
                     (normalizer, "s_noise_normalizer."), (proposal, "importance_sampler_net."),
                 })
        {
            if (net is null)
            {
                continue;
            }

            string[] order = which switch
            {
                CheckpointWeights.Ema => ["EMA.ema_model."],
                CheckpointWeights.Model => ["MODEL.", ""],
                _ => ["EMA.ema_model.", "MODEL.", ""],
            };
            string? prefix = order.Select(p => p + name).FirstOrDefault(p => tensors.ContainsKey(p + "input_layer.weight"));
            if (prefix is null)
            {
                throw new InvalidDataException($"'{path}' holds no '{name.TrimEnd('.')}' weights (looked for " +
                    string.Join(", ", order.Select(p => $"'{p}{name}input_layer.weight'")) + ").");
            }

            ModuleStateDict.Load(net, tensors, prefix);
        }
    }

    /// <summary>Writes the U-Net's state dict under the authors' names (loads with
    /// <c>UNet(...).load_state_dict(torch.load(path))</c>).</summary>
    /// <param name="field">The field.</param>
    /// <param name="path">Destination (overwritten).</param>
    public static void SaveNetwork(EdmUNetField field, string path)
    {
        ArgumentNullException.ThrowIfNull(field);
        StateDictFile.Write(path, ModuleStateDict.Get(field.Network));
    }

    /// <summary>Writes a checkpoint in the layout of the authors' training script: <c>MODEL</c> (the EDM state dict,
    /// <c>nn_model.*</c>), <c>EMA</c> (<c>initted</c>, <c>step</c>, <c>ema_model.nn_model.*</c>) and <c>step</c>.
    /// Their evaluation script's <c>ema.load_state_dict(checkpoint['EMA'])</c> reads it (an EDM without the
    /// auxiliary networks); resuming their training also needs an optimizer state, which is not written.</summary>
    /// <param name="path">Destination (overwritten).</param>
    /// <param name="model">The trained field.</param>
    /// <param name="ema">The EMA copy (null: the trained weights again).</param>
    /// <param name="step">The training step.</param>
    public static void SaveTrainingCheckpoint(string path, EdmUNetField model, EdmUNetField? ema, long step)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (step < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, "step must be >= 0.");
        }

        var modelTable = new Hashtable();
        foreach (var (name, tensor) in ModuleStateDict.Get(model.Network, "nn_model."))
        {
            modelTable[name] = tensor;
        }

        var emaTable = new Hashtable
        {
            ["initted"] = tensor(true),
            ["step"] = tensor(step),
        };
        foreach (var (name, tensor) in ModuleStateDict.Get((ema ?? model).Network, "ema_model.nn_model."))
        {
            emaTable[name] = tensor;
        }

        StateDictFile.Write(path, new Hashtable { ["MODEL"] = modelTable, ["EMA"] = emaTable, ["step"] = step });
    }

    private static string Prefix(IReadOnlyDictionary<string, Tensor> tensors, CheckpointWeights which, string path)
    {
        bool Has(string prefix) => tensors.ContainsKey(prefix + "image_proj.weight");
        string[] order = which switch
        {
            CheckpointWeights.Ema => [EmaPrefix],
            CheckpointWeights.Model => [ModelPrefix, "nn_model.", ""],
            _ => [EmaPrefix, ModelPrefix, "nn_model.", ""],
        };
        foreach (var prefix in order)
        {
            if (Has(prefix))
            {
                return prefix;
            }
        }

        throw new InvalidDataException(
            $"'{path}' holds no {(which == CheckpointWeights.Ema ? "EMA " : "")}U-Net weights (looked for " +
            string.Join(", ", order.Select(p => $"'{p}image_proj.weight'")) + ").");
    }
}
