namespace FluxMatching.Tests.Reliability;

using FluxMatching.Models;

/// <summary>
/// The child process of <see cref="InterruptionTests"/>: saves checkpoint k = 1, 2, 3, … to one path without pause, each
/// with every parameter equal to k and k steps trained, so whatever is on disk after a kill says which save it was and
/// what it must hold. Prints "ready" after the first save has completed.
/// </summary>
public static class CheckpointWriter
{
    /// <summary>The model every save writes (large enough that a save takes several milliseconds).</summary>
    public static FluxModelConfig Config { get; } = new() { Hidden = 256, Depth = 4 };

    public static int Run(string path)
    {
        using var model = new FluxModel(Config, seed: 0);
        for (int k = 1; ; k++)
        {
            Set(model, k);
            model.Save(path);
            if (k == 1)
            {
                Console.WriteLine("ready");
                Console.Out.Flush();
            }
        }
    }

    /// <summary>Sets every parameter to k and the training state to k steps.</summary>
    public static void Set(FluxModel model, int k)
    {
        using (no_grad())
        {
            foreach (var p in model.parameters())
            {
                p.fill_(k);
            }
        }
        model.RecordStep(new FluxMatching.Training.StepOutcome(k, 0, Applied: true));
    }
}
