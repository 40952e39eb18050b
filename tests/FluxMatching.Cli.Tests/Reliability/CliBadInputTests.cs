namespace FluxMatching.Cli.Tests.Reliability;

using FluxMatching.Tests.Reliability;
using FluxMatching.Models;

/// <summary>
/// The catalogue of bad `flux` command lines: each exits with code 2 and prints one line that names the parameter, the
/// value and what is allowed — no stack trace, no .NET type name — and leaves nothing behind in the output folder.
/// </summary>
public sealed class CliBadInputTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("flux-cli-bad-").FullName;

    public void Dispose()
    {
        if (!OperatingSystem.IsWindows())
        {
            foreach (var d in Directory.GetDirectories(this.dir, "*", SearchOption.AllDirectories))
            {
                File.SetUnixFileMode(d, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
        Directory.Delete(this.dir, recursive: true);
    }

    /// <summary>`flux train` lines ({out} is a fresh empty folder) and a piece of the one line each must print.</summary>
    public static TheoryData<string, string> TrainCases => new()
    {
        { "train --steps 1e40", "flux train: --steps '1e40' is not a whole number from -2147483648 to 2147483647." },
        { "train --steps abc", "flux train: --steps 'abc' is not a whole number" },
        { "train --steps -5", "steps must be ≥ 0; got -5." },
        { "train --batch 1", "batch must be ≥ 2 (the KDE score needs a reference set); got 1." },
        { "train --batch 0", "batch must be ≥ 2" },
        { "train --batch 2000000000", "--batch 2000000000 is too large: one training step would need about" },
        { "train --samples 1", "--samples must be ≥ 2; got 1." },
        { "train --samples 2000000000", "--samples 2000000000 is too large: sampling would need about" },
        { "train --sigma2 NaN", "sigma2 must be a finite number > 0; got NaN." },
        { "train --sigma2 Infinity", "sigma2 must be a finite number > 0; got Infinity." },
        { "train --sigma2 -1", "sigma2 must be a finite number > 0; got -1." },
        { "train --sigma2 0", "sigma2 must be a finite number > 0; got 0." },
        { "train --sigma2 1e400", "sigma2 must be a finite number > 0; got Infinity." },
        { "train --lr -Infinity", "lr must be a finite number > 0; got -Infinity." },
        { "train --lr 0", "lr must be a finite number > 0; got 0." },
        { "train --lr NaN", "lr must be a finite number > 0; got NaN." },
        { "train --data spiral", "Unknown data set 'spiral'. Allowed: ring, triangle, eight-gaussians, moons, checkerboard, swiss-roll, fashion-mnist, mnist." },
        { "train --field vit", "--field must be one of gmm, kinetic, mlp, skew-gmm, transformer, unet, not 'vit'." },
        { "train --field unet", "--field unet needs image data (--data fashion-mnist|mnist), not 'ring'." },
        { "train --loss l2", "--loss must be one of flux, dsm, dsm-x0, edm, not 'l2'." },
        { "train --hidden 0", "hidden must be between 1 and 65536; got 0." },
        { "train --hidden 99999999999", "flux train: --hidden '99999999999' is not a whole number" },
        { "train --depth 1000", "depth must be between 1 and 64; got 1000." },
        { "train --threads -1", "--threads must be ≥ 0; got -1." },
        { "train --seed 1.5", "flux train: --seed '1.5' is not a whole number" },
        { "train --bogus 3", "flux train: unknown option '--bogus'. Allowed: --data, --field, --steps" },
        { "train --annealed maybe", "flux train: unexpected word 'maybe'. Allowed options:" },
        { "train --name ..", "--name '..' is not a valid folder name." },
        { "train --name a/b", "--name 'a/b' is not a valid folder name." },
        { "train --device gpu", "--device 'gpu' is not a device name. Allowed: cpu, cuda, cuda:N" },
    };

    [Theory]
    [MemberData(nameof(TrainCases))]
    public void A_bad_train_option_is_one_line_and_leaves_no_run_folder(string line, string expected)
    {
        var output = Path.Combine(this.dir, "runs");
        var message = Run([.. line.Split(' '), "--out", output, "--quiet"]);
        Assert.Contains(expected, message);
        Assert.False(Directory.Exists(output), $"'{line}' left {output} behind");
        Catalogue.Record("CLI", $"flux {line}", message);
    }

    [Theory]
    [InlineData("frobnicate", "flux: unknown command 'frobnicate'. Allowed: train, sample, verify-reference, bench, velocity, quality.")]
    [InlineData("", "flux: a command is needed. Allowed: train, sample, verify-reference, bench")]
    [InlineData("sample", "flux sample: the checkpoint argument is missing")]
    [InlineData("sample missing.pt", "No checkpoint at 'missing.pt'.")]
    [InlineData("sample missing.pt --n 99999999999", "flux sample: --n '99999999999' is not a whole number from -2147483648 to 2147483647.")]
    [InlineData("bench --config nope", "--config must be one of")]
    [InlineData("bench --dtype float16", "--dtype must be float32 or float64, not 'float16'.")]
    [InlineData("bench --threads 0", "--threads must be ≥ 1; got 0.")]
    public void A_bad_command_word_is_one_line(string line, string expected)
    {
        var message = Run(line.Length == 0 ? [] : line.Split(' '));
        Assert.Contains(expected, message);
        Catalogue.Record("CLI", $"flux {line}", message);
    }

    /// <summary>`flux sample` lines on a real checkpoint ({ckpt}); the output CSV goes to a fresh path unless the
    /// line names --out.</summary>
    public static TheoryData<string, string> SampleCases => new()
    {
        { "sample {ckpt} --n 0", "n must be at least 1; got 0." },
        { "sample {ckpt} --n -3", "n must be at least 1; got -3." },
        { "sample {ckpt} --n 1000000000", "--n 1000000000 is too large: sampling would need about" },
        { "sample {ckpt} --sampler euler", "--sampler must be one of langevin, reverse-sde, heun, pc, ode, not 'euler'." },
        { "sample {ckpt} --sampler reverse-sde", "The reverse-SDE sampler needs a noise-conditioned (annealed) model; use langevin." },
        { "sample {ckpt} --steps 0", "sampler steps must be at least 1; got 0." },
        { "sample {ckpt} --step-size NaN", "the Langevin step size must be a finite number > 0; got NaN." },
        { "sample {ckpt} --step-size -0.1", "the Langevin step size must be a finite number > 0; got -0.1." },
        { "sample {ckpt} --out {dir}", "is a folder; allowed: a CSV file path." },
        { "sample {ckpt} --out {dir}/no/such/folder/s.csv", "does not exist. Allowed: a file in an existing folder." },
        { "sample {dir}", "is a folder; allowed: a checkpoint file." },
    };

    [Theory]
    [MemberData(nameof(SampleCases))]
    public void A_bad_sample_request_is_one_line_and_writes_nothing(string line, string expected)
    {
        var ckpt = Path.Combine(this.dir, "m.pt");
        using (var model = new FluxModel(new FluxModelConfig { Hidden = 8, Depth = 1 }, seed: 1))
        {
            model.Save(ckpt);
        }
        var csv = Path.Combine(this.dir, "s.csv");
        var args = line.Replace("{ckpt}", ckpt, StringComparison.Ordinal).Replace("{dir}", this.dir, StringComparison.Ordinal).Split(' ').ToList();
        if (!args.Contains("--out"))
        {
            args.AddRange(["--out", csv]);
        }

        var message = Run([.. args]);
        Assert.Contains(expected, message);
        Assert.False(File.Exists(csv));
        Catalogue.Record("CLI", $"flux {line}", message);
    }

    [Fact]
    public void An_output_folder_that_is_a_file_is_one_line()
    {
        var file = Path.Combine(this.dir, "plain-file");
        File.WriteAllText(file, "x");
        var message = Run("train", "--out", file, "--steps", "1", "--quiet");
        Assert.Contains($"--out '{file}' is a file; allowed: a folder", message);
        Assert.Equal("x", File.ReadAllText(file));
        Catalogue.Record("CLI", "flux train --out <a file>", message);
    }

    [Fact]
    public void A_read_only_output_folder_is_one_line_naming_the_folder()
    {
        var output = ReadOnlyFolder();
        var message = Run("train", "--out", output, "--steps", "1", "--quiet", "--no-baseline");
        Assert.Contains($"--out '{output}': cannot write the run folder", message);
        Assert.Contains("Allowed: a writable folder.", message);
        Catalogue.Record("CLI", "flux train --out <a read-only folder>", message);
    }

    [Fact]
    public void A_read_only_folder_for_the_samples_is_one_line()
    {
        var ckpt = Path.Combine(this.dir, "m.pt");
        using (var model = new FluxModel(new FluxModelConfig { Hidden = 8, Depth = 1 }, seed: 1))
        {
            model.Save(ckpt);
        }
        var csv = Path.Combine(ReadOnlyFolder(), "s.csv");
        var message = Run("sample", ckpt, "--n", "4", "--steps", "1", "--out", csv);
        Assert.Contains($"--out '{csv}'", message);
        Catalogue.Record("CLI", "flux sample m.pt --out <a read-only folder>/s.csv", message);
    }

    [Fact]
    public void A_gpu_where_there_is_none_is_one_line()
    {
        if (cuda.is_available())
        {
            return;   // a GPU machine: nothing is missing
        }
        var message = Run("train", "--device", "cuda", "--out", Path.Combine(this.dir, "runs"));
        Assert.Contains("--device 'cuda' is not available", message);
        Assert.False(Directory.Exists(Path.Combine(this.dir, "runs")));
        Catalogue.Record("CLI", "flux train --device cuda (no GPU)", message);
    }

    [Theory]
    [InlineData(false, "has no sidecar")]
    [InlineData(true, "is corrupt: its weights do not match the SHA-256 in its sidecar")]
    public void A_pickle_that_runs_a_command_is_refused_and_runs_nothing(bool withSidecar, string expected)
    {
        // A protocol-0 pickle whose reduce calls os.system (what a hostile PyTorch .pt holds): GLOBAL os.system,
        // MARK, STRING 'touch <marker>', TUPLE, REDUCE, STOP.
        var marker = Path.Combine(this.dir, "pwned");
        var evil = Path.Combine(this.dir, "evil.pt");
        File.WriteAllText(evil, $"cos\nsystem\n(S'touch {marker}'\ntR.");
        if (withSidecar)
        {
            var good = Path.Combine(this.dir, "good.pt");
            using (var model = new FluxModel(new FluxModelConfig { Hidden = 8, Depth = 1 }, seed: 1))
            {
                model.Save(good);
            }

            File.Copy(good + ".json", evil + ".json");
        }
        var message = Run("sample", evil, "--n", "4", "--steps", "1", "--out", Path.Combine(this.dir, "s.csv"));
        Assert.Contains(expected, message);
        Assert.False(File.Exists(marker), "the pickle ran");
        Assert.False(File.Exists(Path.Combine(this.dir, "s.csv")));
        Catalogue.Record("CLI", $"flux sample evil.pt (pickle calling os.system{(withSidecar ? ", beside a valid sidecar" : "")})", message.Replace(this.dir, "<dir>", StringComparison.Ordinal));
    }

    private static string Run(params string[] args)
    {
        var run = CliRun.Of(args);
        var line = run.OneLineError();
        Assert.DoesNotContain("System.", line);
        Assert.Empty(run.Out.Trim() is var o && o.StartsWith("flux train:", StringComparison.Ordinal) ? "" : o);
        return line;
    }

    /// <summary>A folder this process cannot write: a 0555 folder, or (as root, who writes anywhere) a folder of /proc.</summary>
    private string ReadOnlyFolder()
    {
        var folder = Path.Combine(this.dir, "read-only");
        Directory.CreateDirectory(folder);
        if (OperatingSystem.IsWindows())
        {
            return "/proc/self/fdinfo";   // not run there: the tests target Linux
        }

        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        try
        {
            File.WriteAllText(Path.Combine(folder, "probe"), "");
            File.Delete(Path.Combine(folder, "probe"));
            return "/proc/self/fdinfo";   // root ignores file modes; /proc refuses new files to everyone
        }
        catch (UnauthorizedAccessException)
        {
            return folder;
        }
    }
}
