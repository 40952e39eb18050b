namespace FluxMatching.Interactive.Tests.Reliability;

using System.Text;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Events;

/// <summary>
/// Fuzzing <c>#!flux</c>: 2,000 random lines from the command grammar (subcommands, names, options, values, quotes,
/// unicode, very long words; fixed seed) through the in-process kernel. No line may end in an unexpected exception
/// (the magic's "failed:" fallback), a stack trace or a .NET type name; the kernel answers after every line; the model
/// <c>keep</c>, which no line names, is unchanged at the end. Heavy work is kept out: every train, sample and plot line
/// that could succeed asks for at most a few steps or points.
/// </summary>
public sealed class MagicFuzzTests : IAsyncLifetime
{
    private const int Lines = 2000;
    private NotebookKernel nb = null!;
    private readonly string dir = Directory.CreateTempSubdirectory("flux-fuzz-").FullName;

    public async Task InitializeAsync()
    {
        nb = await NotebookKernel.StartAsync();
        await nb.OkAsync("#!flux new keep --data moons --hidden 8 --depth 1");
        await nb.OkAsync("#!flux train keep --steps 2 --batch 8");
        await nb.OkAsync("#!flux new m --hidden 8 --depth 1");
        await nb.OkAsync($"#!flux save m \"{Path.Combine(dir, "good.pt")}\"");
        File.WriteAllBytes(Path.Combine(dir, "bad.pt"), [1, 2, 3]);
        File.WriteAllText(Path.Combine(dir, "bad.pt.json"), "{\"FormatVersion\": \"x\"}");
    }

    public Task DisposeAsync()
    {
        nb.Dispose();
        Directory.Delete(dir, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Two_thousand_random_lines_never_kill_the_kernel_or_change_a_model_they_do_not_name()
    {
        var keep = KernelWithModel.Parameters(nb.Model("keep"));
        var random = new Random(20261207);
        int succeeded = 0, failed = 0;
        for (int i = 0; i < Lines; i++)
        {
            var line = Line(random);
            var result = await nb.RunAsync(line);
            var failures = result.Events.OfType<CommandFailed>().ToList();
            if (failures.Count == 0)
            {
                succeeded++;
            }
            else
            {
                failed++;
                var message = failures[0].Message;
                Assert.True(failures[0].Exception is null, $"line {i} '{Short(line)}' threw: {failures[0].Exception}");
                Assert.DoesNotContain("   at ", message);
                Assert.DoesNotContain(" failed: ", message);   // the fallback for exceptions no check anticipated
                Assert.DoesNotContain("Exception", message);
            }
            if (i % 100 == 99)
            {
                await nb.OkAsync("#!flux info keep");
            }
        }
        await nb.OkAsync("#!flux info keep");
        Assert.Equal(keep, KernelWithModel.Parameters(nb.Model("keep")));
        Assert.True(failed > Lines / 2 && succeeded > 20, $"{succeeded} lines succeeded, {failed} failed: the grammar should produce both");
    }

    private static string Short(string line) => line.Length > 200 ? line[..200] + "…" : line;

    private static readonly string[] Subcommands = ["new", "train", "sample", "plot", "info", "save", "load", "drop", "plotly", "", "NEW", "trian", "--help", "-h", "新"];
    private static readonly string[] Names = ["m", "q", "zz", "x1", "_", "模型", "ñame", "class", "1x", "a-b", "@csharp:nope", "\"\"", "m m"];
    private static readonly string[] Options =
    [
        "--data", "--field", "--hidden", "--depth", "--sigma2", "--annealed", "--sigma-min", "--sigma-max", "--loss", "--seed",
        "--device", "--steps", "--batch", "--lr", "--n", "--sampler", "--step-size", "--streamlines", "--curl", "--divergence",
        "--trajectories", "--name", "--path", "--", "---", "--=", "--steps=", "--x", "-n", "—steps",
    ];
    private static readonly string[] Values =
    [
        "0", "1", "2", "3", "-1", "1e40", "-1e40", "NaN", "Infinity", "-Infinity", "99999999999", "1.5", "0x10", "1e-400",
        "ring", "moons", "spiral", "mlp", "transformer", "unet", "flux", "dsm", "langevin", "reverse-sde", "cpu", "cuda", "cuda:7",
        "gpu", "true", "\"\"", "\"a b\"", "\"unclosed", "a\"b", "é", "🙂", "\u202Eevil", "\t", "\\", "%HOME%", "$HOME", "..", "/",
    ];

    private string Line(Random r)
    {
        var words = new List<string> { r.Next(50) == 0 ? "#!FLUX" : "#!flux" };
        var sub = Subcommands[r.Next(Subcommands.Length)];
        if (sub.Length > 0)
        {
            words.Add(sub);
        }

        if (r.Next(4) > 0)
        {
            words.Add(Names[r.Next(Names.Length)]);
        }

        if (sub is "save" or "load")
        {
            words.Add(PathWord(r));
        }

        int extra = r.Next(0, 6);
        for (int k = 0; k < extra; k++)
        {
            words.Add(r.Next(10) switch
            {
                < 4 => Options[r.Next(Options.Length)],
                < 8 => Values[r.Next(Values.Length)],
                8 => LongWord(r),
                _ => Unicode(r),
            });
        }
        // Keep successful work small: a train or sample line always caps its steps and points (a later duplicate of an
        // option makes the line fail, which is fine), and plots never draw trajectories of a long chain.
        if (sub == "train")
        {
            words.AddRange(["--steps", "2", "--batch", "8"]);
        }

        if (sub == "sample")
        {
            words.AddRange(["--n", "4", "--steps", "2"]);
        }

        if (sub == "plot")
        {
            words.Remove("--trajectories");
        }

        return string.Join(" ", words);
    }

    private string PathWord(Random r) => r.Next(6) switch
    {
        0 => $"\"{Path.Combine(dir, "good.pt")}\"",
        1 => $"\"{Path.Combine(dir, "bad.pt")}\"",
        2 => $"\"{dir}\"",
        3 => $"\"{Path.Combine(dir, "missing", "x.pt")}\"",
        4 => "/proc/self/fdinfo/x.pt",
        _ => $"\"{Path.Combine(dir, "out-" + r.Next(5) + ".pt")}\"",
    };

    private static string LongWord(Random r)
    {
        var sb = new StringBuilder();
        int n = r.Next(1000, 20000);
        for (int i = 0; i < n; i++)
        {
            sb.Append((char)('a' + r.Next(26)));
        }

        return r.Next(2) == 0 ? sb.ToString() : "--" + sb;
    }

    private static string Unicode(Random r)
    {
        var sb = new StringBuilder();
        int n = r.Next(1, 12);
        for (int i = 0; i < n; i++)
        {
            int c = r.Next(5) switch
            {
                0 => r.Next(0x20, 0x7F),
                1 => r.Next(0xA0, 0x2FF),
                2 => r.Next(0x4E00, 0x9FFF),
                3 => r.Next(0x2000, 0x206F),
                _ => r.Next(0x1F300, 0x1F64F),
            };
            sb.Append(char.ConvertFromUtf32(c));
        }
        return sb.ToString();
    }
}
