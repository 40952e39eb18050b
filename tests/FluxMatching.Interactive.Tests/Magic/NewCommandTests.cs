namespace FluxMatching.Interactive.Tests.Magic;

using FluxMatching.Models;

public sealed class NewCommandTests : IAsyncLifetime
{
    private NotebookKernel nb = null!;

    public async Task InitializeAsync() => nb = await NotebookKernel.StartAsync();

    public Task DisposeAsync() { nb.Dispose(); return Task.CompletedTask; }

    [Fact]
    public async Task New_creates_a_model_that_is_also_a_csharp_variable()
    {
        var result = await nb.OkAsync("#!flux new m --data moons --hidden 16 --depth 3 --sigma2 0.1 --loss dsm --seed 3");
        Assert.Contains("FluxModel m", NotebookKernel.Html(result));
        var model = nb.Model("m");
        Assert.Equal(new FluxModelConfig { Data = "moons", Hidden = 16, Depth = 3, Sigma2 = 0.1, Loss = LossKind.Dsm }, model.Config);
        Assert.Equal(16, await nb.ValueAsync<int>("m.Config.Hidden"));
    }

    [Fact]
    public async Task New_annealed_takes_the_sigma_range()
    {
        await nb.OkAsync("#!flux new a --data ring --hidden 8 --annealed --sigma-min 0.05 --sigma-max 3");
        var c = nb.Model("a").Config;
        Assert.True(c.Annealed);
        Assert.Equal((0.05, 3.0), (c.SigmaMin, c.SigmaMax));
    }

    [Fact]
    public async Task New_again_replaces_the_model_and_the_variable()
    {
        await nb.OkAsync("#!flux new m --hidden 8");
        await nb.OkAsync("#!flux new m --hidden 12");
        Assert.Equal(12, nb.Model("m").Config.Hidden);
    }

    [Fact]
    public async Task Unknown_data_set_names_the_allowed_ones()
    {
        var message = await nb.FailAsync("#!flux new m --data spiral");
        Assert.Contains("unknown --data 'spiral': not a built-in data set", message);
        Assert.Contains("ring, triangle, eight-gaussians, moons, checkerboard, swiss-roll", message);
    }

    [Theory]
    [InlineData("#!flux new m --hidden 12x", "--hidden must be a whole number from 1 to 65536, got '12x'")]
    [InlineData("#!flux new m --hidden 0", "--hidden must be a whole number from 1 to 65536, got 0")]
    [InlineData("#!flux new m --depth 2.5", "--depth must be a whole number from 1 to 64, got '2.5'")]
    [InlineData("#!flux new m --sigma2 -1", "--sigma2 must be a number > 0, got -1")]
    [InlineData("#!flux new m --sigma2 abc", "--sigma2 must be a number > 0, got 'abc'")]
    [InlineData("#!flux new m --loss l2", "'l2' is not a valid --loss. Allowed: flux, dsm, dsm-x0, edm")]
    [InlineData("#!flux new m --annealed --sigma2 0.1", "use either --sigma2 X (fixed σ) or --annealed")]
    [InlineData("#!flux new m --sigma-min 0.1", "--sigma-min and --sigma-max need --annealed")]
    [InlineData("#!flux new m --annealed --sigma-min 1 --sigma-max 0.5", "--sigma-max (0.5) must be greater than --sigma-min (1)")]
    [InlineData("#!flux new m --device tpu", "--device 'tpu' is not a device name. Allowed: cpu, cuda, cuda:N")]
    [InlineData("#!flux new m --field nope", "#!flux new: --field 'nope' is neither a built-in field (gmm, kinetic, mlp, skew-gmm, transformer, unet) nor a C# variable holding a TorchSharp module.")]
    [InlineData("#!flux new m --field unet", "#!flux new: The unet field needs image data with a shape [C, H, W] (C·H·W = 2); this data set is not an image set (allowed: fashion-mnist, mnist or an image data source).")]
    [InlineData("#!flux new m --hidden", "option --hidden needs a value (N)")]
    [InlineData("#!flux new m --hidden 8 --hidden 9", "option --hidden is given twice")]
    [InlineData("#!flux new m --widht 8", "unknown option '--widht'. Allowed: --data, --field, --hidden")]
    [InlineData("#!flux new m extra", "unexpected word 'extra'")]
    [InlineData("#!flux new", "NAME is missing")]
    [InlineData("#!flux new 1m", "'1m' is not a valid model name")]
    [InlineData("#!flux new class", "'class' is not a valid model name")]
    [InlineData("#!flux new m --data \"ring", "a double quote is not closed")]
    public async Task A_bad_new_line_fails_with_one_message_naming_the_mistake(string line, string expected)
    {
        var message = await nb.FailAsync(line);
        Assert.Contains(expected, message);
        Assert.StartsWith("#!flux", message.TrimStart());
    }

    [Fact]
    public async Task A_failed_line_leaves_existing_models_intact()
    {
        await nb.OkAsync("#!flux new keep --hidden 8");
        await nb.FailAsync("#!flux new keep --hidden nope");
        Assert.Equal(8, nb.Model("keep").Config.Hidden);
        await nb.OkAsync("#!flux info keep");
    }

    [Fact]
    public async Task Unknown_subcommands_and_a_bare_flux_list_the_subcommands()
    {
        var message = await nb.FailAsync("#!flux fit m");
        Assert.Contains("Unknown subcommand 'fit'", message);
        Assert.Contains("new, train, sample, plot, info, save, load", message);
        Assert.Contains("needs a subcommand", await nb.FailAsync("#!flux"));
    }

    [Fact]
    public async Task Cuda_device_is_refused_where_there_is_no_gpu()
    {
        if (TorchSharp.torch.cuda.is_available())
        {
            return;   // the refusal applies only without a GPU
        }

        var message = await nb.FailAsync("#!flux new g --device cuda");
        Assert.StartsWith("#!flux new: --device 'cuda' is not available: libtorch sees no CUDA device in this process. Allowed here: cpu.", message);
        Assert.Contains("TorchSharp-cuda", message);   // which package brings a GPU
    }

    [Fact]
    public async Task The_field_option_picks_the_models_field()
    {
        await nb.OkAsync("#!flux new f --field mlp --hidden 8 --device cpu");
        Assert.IsType<FluxMatching.Fields.MlpField>(nb.Model("f").Field);
        var card = NotebookKernel.Html(await nb.OkAsync("#!flux new t --field transformer --hidden 8"));
        Assert.Equal("transformer", nb.Model("t").Config.Field);
        Assert.IsType<FluxMatching.Fields.TransformerField>(nb.Model("t").Field);
        Assert.Contains("transformer, 2 tokens × 8, 2 blocks, 4 heads", card);
        await nb.OkAsync("#!flux train t --steps 2 --batch 8");
        Assert.Equal(2, nb.Model("t").StepsTrained);
        Assert.Contains("--field", FluxMatching.Interactive.Magic.FluxCommandSet.Get("new").Usage);
    }

    [Fact]
    public async Task Help_shows_the_defaults_the_command_line_uses_too()
    {
        var help = FluxMatching.Interactive.Magic.FluxCommandSet.Help();
        Assert.Contains($"width of each hidden layer (default {FluxMatching.Models.FluxDefaults.Model.Hidden})", string.Join("\n",
            FluxMatching.Interactive.Magic.FluxCommandSet.Get("new").Options.Select(o => o.Description)));
        Assert.Contains("[--device cpu|cuda]", help);
        await nb.OkAsync("#!flux new d");
        var model = nb.Model("d");
        Assert.Equal(FluxMatching.Models.FluxDefaults.Model, model.Config);
    }
}
