namespace FluxMatching.Training;

using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// The part of a training run that is not in the model's checkpoint: the fused Adam's step count and moments m, v
/// [P], the EMA's update count and the states of the objective's generators. Written beside a checkpoint
/// (<c>path + ".train"</c>, temporary file then rename) by <see cref="TrainingSession.SaveCheckpoint"/>, read by
/// <see cref="TrainingSession.Resume"/>. The reader checks every size against the session before reading, so a
/// forged header never makes it allocate.
/// </summary>
public static class TrainingState
{
    /// <summary>Suffix of the training-state file beside a checkpoint.</summary>
    public const string Suffix = ".train";

    private const string Magic = "FLUXTRAIN1";

    /// <summary>Writes the session's state to <paramref name="file"/> atomically.</summary>
    /// <param name="session">The session.</param>
    /// <param name="file">The state file.</param>
    /// <exception cref="NotSupportedException">The session uses the unfused Adam (its state is not stored).</exception>
    public static void Save(TrainingSession session, string file)
    {
        ArgumentNullException.ThrowIfNull(session);
        var adam = session.Fused ?? throw new NotSupportedException("Resumable checkpoints need the fused Adam (TrainerOptions.FusedAdam, the default).");
        var tmp = file + ".tmp-" + Environment.ProcessId;
        try
        {
            using (var writer = new BinaryWriter(File.Create(tmp)))
            {
                writer.Write(Magic);
                writer.Write(session.Model.StepsTrained);
                writer.Write(session.Averager?.Updates ?? -1);
                writer.Write(session.Generators.Count);
                foreach (var generator in session.Generators)
                {
                    using var state = generator.get_state();
                    var bytes = Bytes(state);
                    writer.Write(bytes.Length);
                    writer.Write(bytes);
                }
                writer.Write(adam.StepCount);
                writer.Write((int)adam.FirstMoment.dtype);
                var m = Bytes(adam.FirstMoment);
                var v = Bytes(adam.SecondMoment);
                writer.Write(m.Length);
                writer.Write(m);
                writer.Write(v);
            }
            File.Move(tmp, file, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp))
            {
                File.Delete(tmp);
            }
        }
    }

    /// <summary>Restores a state written by <see cref="Save"/> into a new session on the loaded model.</summary>
    /// <param name="session">A session just created on the model loaded from the same checkpoint.</param>
    /// <param name="file">The state file.</param>
    /// <exception cref="InvalidDataException">The file is missing, truncated, of another run's shape, or from another
    /// step than the model.</exception>
    public static void Restore(TrainingSession session, string file)
    {
        ArgumentNullException.ThrowIfNull(session);
        var adam = session.Fused ?? throw new NotSupportedException("Resuming needs the fused Adam (TrainerOptions.FusedAdam, the default).");
        if (!File.Exists(file))
        {
            throw new InvalidDataException($"No training state at '{file}' (the checkpoint was not written by a training session).");
        }

        try
        {
            using var reader = new BinaryReader(File.OpenRead(file));
            if (reader.ReadString() != Magic)
            {
                throw new InvalidDataException($"'{file}' is not a training state.");
            }

            int step = reader.ReadInt32();
            if (step != session.Model.StepsTrained)
            {
                throw new InvalidDataException($"Training state '{file}' is from step {step}, the checkpoint from step {session.Model.StepsTrained}; they were not written together.");
            }

            int updates = reader.ReadInt32();
            var generators = session.Generators;
            int count = reader.ReadInt32();
            if (count != generators.Count)
            {
                throw new InvalidDataException($"Training state '{file}' holds {count} generator states; this session has {generators.Count}.");
            }

            foreach (var generator in generators)
            {
                int stateLength = reader.ReadInt32();
                using var current = generator.get_state();
                long expected = current.numel() * current.element_size();
                if (stateLength != expected)
                {
                    throw new InvalidDataException($"Training state '{file}' has a generator state of {stateLength} bytes; this session's has {expected}.");
                }

                var bytes = reader.ReadBytes(stateLength);
                if (bytes.Length != stateLength)
                {
                    throw new EndOfStreamException();
                }

                using var restored = torch.tensor(bytes, ScalarType.Byte);
                generator.set_state(restored);
            }
            int t = reader.ReadInt32();
            int dtype = reader.ReadInt32();
            long length = reader.ReadInt32();
            long expectedBytes = adam.FirstMoment.numel() * adam.FirstMoment.element_size();
            if (dtype != (int)adam.FirstMoment.dtype || length != expectedBytes)
            {
                throw new InvalidDataException($"Training state '{file}' holds optimizer moments of {length} bytes ({(ScalarType)dtype}); this model needs {expectedBytes} ({adam.FirstMoment.dtype}).");
            }

            Load(adam.FirstMoment, reader.ReadBytes((int)length));
            Load(adam.SecondMoment, reader.ReadBytes((int)length));
            adam.StepCount = t;
            if (session.Averager is { } ema && updates >= 0)
            {
                ema.Updates = updates;
            }
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"Training state '{file}' is truncated.", e);
        }
    }

    private static byte[] Bytes(Tensor t)
    {
        using var cpu = t.detach().cpu().contiguous();
        return cpu.bytes.ToArray();
    }

    private static void Load(Tensor target, byte[] bytes)
    {
        if (bytes.Length != target.numel() * target.element_size())
        {
            throw new EndOfStreamException();
        }

        using var _ = torch.no_grad();
        using var typed = target.dtype switch
        {
            ScalarType.Float32 => torch.tensor(MemoryMarshal.Cast<byte, float>(bytes).ToArray()),
            ScalarType.Float64 => torch.tensor(MemoryMarshal.Cast<byte, double>(bytes).ToArray()),
            var other => throw new InvalidDataException($"optimizer moments of dtype {other} are not stored; allowed: float32, float64."),
        };
        target.copy_(typed.view(target.shape));
    }
}
