namespace FluxMatching.Interactive.Tests.Reliability;

using FluxMatching.Tests.Reliability;
/// <summary>
/// The catalogue of bad <c>#!flux</c> lines: each fails the cell with one message naming the option, the value and what
/// is allowed (no stack trace, no .NET type name), the kernel answers the next command, and the trained model <c>m</c>
/// is neither lost nor changed. {dir} is a fresh folder, {ckpt} a checkpoint of m.
/// </summary>
public sealed class MagicBadInputTests(KernelWithModel fixture) : IClassFixture<KernelWithModel>
{
    public static TheoryData<string, string> Cases => new()
    {
        { "#!flux", "#!flux needs a subcommand: new, train, sample, plot, info, save, load, drop, plotly." },
        { "#!flux frob m", "Unknown subcommand 'frob' for #!flux. Allowed: new, train" },
        { "#!flux new", "#!flux new: NAME is missing (model name (also the C# variable))." },
        { "#!flux new 1x", "'1x' is not a valid model name. A name must be a C# identifier" },
        { "#!flux new class", "'class' is not a valid model name." },
        { "#!flux new q --data spiral", "unknown --data 'spiral': not a built-in data set (ring, triangle, eight-gaussians, moons, checkerboard, swiss-roll, fashion-mnist, mnist), a C# variable, or a .csv/.npy file." },
        { "#!flux new q --field nope", "--field 'nope' is neither a built-in field (gmm, kinetic, mlp, skew-gmm, transformer, unet) nor a C# variable holding a TorchSharp module." },
        { "#!flux new q --field unet", "The unet field needs image data with a shape [C, H, W] (C·H·W = 2); this data set is not an image set (allowed: fashion-mnist, mnist or an image data source)." },
        { "#!flux new q --hidden 0", "--hidden must be a whole number from 1 to 65536, got 0." },
        { "#!flux new q --hidden 99999999999", "--hidden must be a whole number from 1 to 65536, got 99999999999." },
        { "#!flux new q --depth -1", "--depth must be a whole number from 1 to 64, got -1." },
        { "#!flux new q --sigma2 NaN", "--sigma2 must be a number > 0, got 'NaN'." },
        { "#!flux new q --sigma2 -Infinity", "--sigma2 must be a number > 0, got '-Infinity'." },
        { "#!flux new q --sigma2 0", "--sigma2 must be a number > 0, got 0." },
        { "#!flux new q --sigma2 1e999", "--sigma2 must be a number > 0, got '1e999'." },
        { "#!flux new q --annealed --sigma-min 0", "--sigma-min must be a number > 0, got 0." },
        { "#!flux new q --annealed --sigma-min 2 --sigma-max 1", "--sigma-max (1) must be greater than --sigma-min (2)." },
        { "#!flux new q --annealed --sigma-min 1 --sigma-max 1", "--sigma-max (1) must be greater than --sigma-min (1)." },
        { "#!flux new q --annealed --sigma2 0.1", "use either --sigma2 X (fixed σ) or --annealed" },
        { "#!flux new q --sigma-max 3", "--sigma-min and --sigma-max need --annealed" },
        { "#!flux new q --loss l2", "'l2' is not a valid --loss. Allowed: flux, dsm, dsm-x0, edm." },
        { "#!flux new q --seed abc", "--seed must be a whole number, got 'abc'." },
        { "#!flux new q --device tpu", "--device 'tpu' is not a device name. Allowed: cpu, cuda, cuda:N" },
        { "#!flux new q --hidden 8 --hidden 9", "option --hidden is given twice." },
        { "#!flux new q --hidden", "option --hidden needs a value (N)." },
        { "#!flux new m --name n", "NAME is given twice." },
        { "#!flux new q --data @csharp:nope", "Value 'nope' not found in kernel csharp" },
        { "#!flux train zz", "#!flux train: no model named 'zz' (models: m). Create one with: #!flux new zz --data ring" },
        { "#!flux train m --steps 1e40", "--steps must be a whole number from 1 to 100000000, got '1e40'." },
        { "#!flux train m --steps 0", "--steps must be a whole number from 1 to 100000000, got 0." },
        { "#!flux train m --batch 1", "--batch must be a whole number from 2 to 1000000, got 1." },
        { "#!flux train m --batch 99999999999", "--batch must be a whole number from 2 to 1000000, got 99999999999." },
        { "#!flux train m --batch 1000000", "--batch 1000000 is too large: one training step would need about" },
        { "#!flux train m --lr NaN", "--lr must be a number in (0, 10], got 'NaN'." },
        { "#!flux train m --lr 100", "--lr must be a number in (0, 10], got 100." },
        { "#!flux train m --stesp 3", "unknown option '--stesp'. Allowed: --steps, --batch, --lr, --seed, --structure, --weight." },
        { "#!flux train m extra", "unexpected word 'extra'. Usage: #!flux train NAME" },
        { "#!flux sample m --n 1", "--n must be a whole number from 2 to 1000000, got 1." },
        { "#!flux sample m --n 99999999999", "--n must be a whole number from 2 to 1000000, got 99999999999." },
        { "#!flux sample m --sampler euler", "'euler' is not a valid --sampler. Allowed: langevin, reverse-sde, heun, pc, ode." },
        { "#!flux sample m --sampler reverse-sde", "--sampler reverse-sde needs an annealed model (m was made without --annealed)." },
        { "#!flux sample m --step-size 0", "--step-size must be a number in (0, 10), got 0." },
        { "#!flux sample m --steps 0", "--steps must be a whole number from 1 to 10000000, got 0." },
        { "#!flux plot zz", "no model named 'zz'" },
        { "#!flux plot m --bogus", "unknown option '--bogus'. Allowed: --field, --streamlines" },
        { "#!flux info m --verbose", "takes no options" },
        { "#!flux save zz {dir}/x.pt", "#!flux save: no model named 'zz'" },
        { "#!flux save m {dir}", "is a folder; allowed: a checkpoint file path." },
        { "#!flux save m /proc/self/fdinfo/m.pt", "Cannot save the model to '/proc/self/fdinfo/m.pt'" },
        { "#!flux save m", "PATH is missing (checkpoint file)." },
        { "#!flux load q {dir}/missing.pt", "there is no file '" },
        { "#!flux load q {dir}", "is a folder; allowed: a checkpoint file." },
        { "#!flux load class {ckpt}", "'class' is not a valid model name." },
        { "#!flux load q {ckpt} --device gpu", "--device 'gpu' is not a device name." },
        { "#!flux drop zz", "#!flux drop: no model named 'zz'" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_bad_line_fails_the_cell_with_one_message_and_keeps_the_kernel_and_the_model(string line, string expected)
    {
        var code = line.Replace("{dir}", fixture.Dir, StringComparison.Ordinal).Replace("{ckpt}", fixture.Checkpoint, StringComparison.Ordinal);
        var message = await fixture.Nb.FailAsync(code);
        Assert.Contains(expected, message);
        Assert.DoesNotContain("\n", message.Trim());
        Assert.DoesNotContain("Exception", message);
        Assert.DoesNotContain("System.", message);
        await fixture.AssertAliveAndModelUnchangedAsync();
        Catalogue.Record("#!flux", line, message);
    }

    [Fact]
    public async Task A_gpu_where_there_is_none_is_one_message()
    {
        if (TorchSharp.torch.cuda.is_available())
        {
            return;   // a GPU machine: nothing is missing
        }
        var message = await fixture.Nb.FailAsync("#!flux new q --device cuda");
        Assert.Contains("--device 'cuda' is not available", message);
        await fixture.AssertAliveAndModelUnchangedAsync();
        Catalogue.Record("#!flux", "#!flux new q --device cuda (no GPU)", message);
    }

    [Fact]
    public async Task Loading_a_corrupt_file_over_a_model_keeps_the_model()
    {
        var bad = Path.Combine(fixture.Dir, "bad.pt");
        File.Copy(fixture.Checkpoint, bad, overwrite: true);
        File.Copy(fixture.Checkpoint + ".json", bad + ".json", overwrite: true);
        var bytes = File.ReadAllBytes(bad);
        File.WriteAllBytes(bad, bytes[..(bytes.Length / 2)]);
        var message = await fixture.Nb.FailAsync($"#!flux load m \"{bad}\"");
        Assert.Contains("is corrupt: its weights do not match the SHA-256 in its sidecar", message);
        await fixture.AssertAliveAndModelUnchangedAsync();
        Catalogue.Record("#!flux", "#!flux load m <truncated checkpoint> (m exists)", message);
    }
}
