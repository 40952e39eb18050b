namespace FluxMatching.Cli.Commands;

using System.CommandLine;
using System.Globalization;
using FluxMatching.RnaVelocity;

/// <summary>`flux velocity`: RNA velocity by the kinetic field and the gene-local flux loss (the paper's exp2) on an
/// scVelo-preprocessed .h5ad file or on a simulated lineage, against scVelo's steady-state model.</summary>
internal static class VelocityCommand
{
    public static Command Create()
    {
        var file = new Argument<string?>("file") { Description = "An scVelo-preprocessed .h5ad file (layers Mu, Ms; obs clusters; obsm embedding; obsp connectivities).", Arity = ArgumentArity.ZeroOrOne };
        var simulate = new Option<bool>("--simulate") { Description = "Use a simulated branching lineage with known kinetics instead of a file." };
        var clusters = new Option<string>("--clusters") { Description = "obs column with the cluster labels.", DefaultValueFactory = _ => "clusters" };
        var edges = new Option<string?>("--edges") { Description = "Cluster transitions, e.g. \"A>B,B>C\" (required with a file)." };
        var basis = new Option<string>("--basis") { Description = "Embedding in obsm (X_<basis>).", DefaultValueFactory = _ => "umap" };
        var genes = new Option<int>("--genes") { Description = "Simulated genes.", DefaultValueFactory = _ => 60 };
        var cells = new Option<int>("--cells") { Description = "Simulated cells.", DefaultValueFactory = _ => 1200 };
        var seed = new Option<int>("--seed") { Description = "Seed of the simulation and the training.", DefaultValueFactory = _ => 0 };
        var epochs = new Option<int>("--epochs") { Description = "Training epochs (the authors: 100).", DefaultValueFactory = _ => 100 };
        var lr = new Option<double>("--lr") { Description = "Adam learning rate (the authors: 1e-3).", DefaultValueFactory = _ => 1e-3 };
        var output = new Option<string>("--out") { Description = "Output folder (velocity.h5ad, metrics.json, report.html).", DefaultValueFactory = _ => "velocity-out" };
        var device = CliOptions.Device();
        var threads = CliOptions.Threads();
        var cmd = new Command("velocity", "Fit RNA velocity with a kinetic field by Flux Matching and compare it with the steady-state model.")
        {
            file, simulate, clusters, edges, basis, genes, cells, seed, epochs, lr, output, device, threads,
        };
        cmd.SetAction(r => CliOptions.Guard(() =>
        {
            var dev = CliOptions.ResolveDevice(r.GetValue(device)!, r.GetValue(threads));
            var training = new KineticTrainingOptions { Epochs = r.GetValue(epochs), LearningRate = r.GetValue(lr), Seed = r.GetValue(seed) };
            string outDir = r.GetValue(output)!;
            var progress = new Progress<(int Epoch, double Loss)>(p =>
            {
                if (p.Epoch % 10 == 0)
                {
                    Console.WriteLine($"epoch {p.Epoch}: loss {p.Loss:E3}");
                }
            });
            if (r.GetValue(simulate))
            {
                if (r.GetValue(file) is not null)
                {
                    throw new ArgumentException("Give either a .h5ad file or --simulate, not both.");
                }

                var lineage = SplicingSimulator.Simulate(new SplicingSimulatorOptions
                {
                    Genes = r.GetValue(genes), Cells = r.GetValue(cells), Seed = r.GetValue(seed),
                });
                var comparison = VelocityPipeline.Run(lineage.Data, training, lineage, dev, progress);
                return VelocityOutputs.Write(outDir, comparison, null, "simulated lineage", Context(r.GetValue(seed), training), lineage);
            }

            string path = r.GetValue(file) ?? throw new ArgumentException("Give a .h5ad file or --simulate.");
            var edgeList = ParseEdges(r.GetValue(edges) ?? throw new ArgumentException("--edges is required with a file, e.g. --edges \"A>B,B>C\"."));
            var input = H5adReader.Read(path, r.GetValue(clusters)!, r.GetValue(basis)!, edgeList);
            var result = VelocityPipeline.Run(input.Data, training, null, dev, progress);
            return VelocityOutputs.Write(outDir, result, input, Path.GetFileName(path), Context(r.GetValue(seed), training));
        }));
        return cmd;
    }

    private static Dictionary<string, object> Context(int seed, KineticTrainingOptions training) => new()
    {
        ["seed"] = seed,
        ["epochs"] = training.Epochs,
        ["batch"] = training.Batch,
        ["learning_rate"] = training.LearningRate,
        ["sigma2"] = training.Sigma2,
    };

    internal static IReadOnlyList<(string From, string To)> ParseEdges(string text)
    {
        var edges = new List<(string, string)>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var ends = part.Split('>', StringSplitOptions.TrimEntries);
            if (ends.Length != 2 || ends[0].Length == 0 || ends[1].Length == 0)
            {
                throw new ArgumentException($"--edges: '{part}' is not of the form A>B (e.g. --edges \"A>B,B>C\").");
            }

            edges.Add((ends[0], ends[1]));
        }

        return edges.Count > 0 ? edges : throw new ArgumentException("--edges names no transition (e.g. --edges \"A>B,B>C\").");
    }
}
