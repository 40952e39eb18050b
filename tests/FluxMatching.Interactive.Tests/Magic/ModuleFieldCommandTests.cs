namespace FluxMatching.Interactive.Tests.Magic;

using FluxMatching.Fields;

public sealed class ModuleFieldCommandTests : IAsyncLifetime
{
    private NotebookKernel nb = null!;
    private DirectoryInfo dir = null!;

    public async Task InitializeAsync()
    {
        nb = await NotebookKernel.StartAsync();
        dir = Directory.CreateTempSubdirectory("flux-field");
        await nb.OkAsync("""
            using TorchSharp;
            using static TorchSharp.torch;
            using FluxMatching.Fields;
            var pts = randn(200, 5);
            nn.Module<Tensor, Tensor> Net(int inputs = 5, int outputs = 5) => nn.Sequential(nn.Linear(inputs, 16), nn.SiLU(), nn.Linear(16, outputs));
            public sealed class SigmaNet : nn.Module<Tensor, Tensor, Tensor>
            {
                private readonly TorchSharp.Modules.Linear a = nn.Linear(6, 16), _b = nn.Linear(16, 5);
                public SigmaNet() : base("sigma-net") => RegisterComponents();
                public override Tensor forward(Tensor x, Tensor s) => _b.forward(nn.functional.silu(this.a.forward(cat([x, s.unsqueeze(1)], 1))));
            }
            """);
    }

    public Task DisposeAsync()
    {
        nb.Dispose();
        dir.Delete(true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_module_variable_is_trained_in_place_sampled_saved_and_loaded()
    {
        await nb.OkAsync("var f = Net(); var before = f.parameters().First().detach().clone();");
        await nb.OkAsync("#!flux new u --data pts --field f");
        var field = Assert.IsType<ModuleField>(nb.Model("u").Field);
        Assert.Equal("module:f", nb.Model("u").Config.Field);
        Assert.Equal(5, field.Dimension);
        await nb.OkAsync("#!flux train u --steps 3 --batch 16");
        Assert.Equal(3, nb.Model("u").StepsTrained);
        Assert.True(await nb.ValueAsync<bool>("!f.parameters().First().allclose(before)"));   // the user's module itself learned
        await nb.OkAsync("#!flux sample u --n 20 --steps 3");
        var path = Path.Combine(dir.FullName, "u.pt");
        await nb.OkAsync($"#!flux save u \"{path}\"");
        Assert.True(File.Exists(path + ".data.npy"));
        Assert.Contains("holds the weights of your module 'f'; load it with --field f", await nb.FailAsync($"#!flux load v \"{path}\""));
        await nb.OkAsync("var g = Net();");
        await nb.OkAsync($"#!flux load v \"{path}\" --field g");
        Assert.True(await nb.ValueAsync<bool>("g.parameters().First().allclose(f.parameters().First())"));
        Assert.Equal(3, nb.Model("v").StepsTrained);
        Assert.Equal(5, nb.Model("v").Data.Dimension);
    }

    [Fact]
    public async Task A_module_sees_samples_in_their_own_shape()
    {
        await nb.OkAsync("var grids = randn(64, 2, 3); var shaped = nn.Sequential(nn.Flatten(), nn.Linear(6, 6), nn.Unflatten(1, new long[] { 2, 3 }));");
        await nb.OkAsync("#!flux new sh --data grids --field shaped");
        Assert.Equal(new long[] { 2, 3 }, Assert.IsType<ModuleField>(nb.Model("sh").Field).SampleShape);
        await nb.OkAsync("#!flux train sh --steps 1 --batch 8");
        await nb.OkAsync("var flat = nn.Sequential(nn.Flatten(), nn.Linear(6, 6));");
        Assert.Contains("field 'flat' maps [2, 2, 3] to [2, 6]", await nb.FailAsync("#!flux new sh2 --data grids --field flat"));
    }

    [Fact]
    public async Task A_sigma_conditioned_module_trains_annealed()
    {
        await nb.OkAsync("var s = new SigmaNet();");
        await nb.OkAsync("#!flux new a --data pts --field s --annealed --sigma-max 1");
        Assert.True(nb.Model("a").Field.IsNoiseConditioned);
        await nb.OkAsync("#!flux train a --steps 2 --batch 16");
        Assert.Contains("takes σ (Module<Tensor, Tensor, Tensor>): it needs annealed training (--annealed)", await nb.FailAsync("#!flux new b --data pts --field s"));
        await nb.OkAsync("var plain = Net();");
        Assert.Contains("takes no σ", await nb.FailAsync("#!flux new b --data pts --field plain --annealed"));
    }

    [Fact]
    public async Task Mismatched_modules_are_named_in_one_line_and_the_kernel_lives_on()
    {
        await nb.OkAsync("var narrow = Net(5, 3); var wide = Net(4, 5); var text = \"x\";");
        Assert.Equal("#!flux new: field 'narrow' maps [2, 5] to [2, 3]; it must return the shape it is given ([B, 5]).",
            await nb.FailAsync("#!flux new w --data pts --field narrow"));
        Assert.StartsWith("#!flux new: field 'wide' failed on its first batch, of shape [2, 5]: ", await nb.FailAsync("#!flux new w --data pts --field wide"));
        Assert.Contains("the C# variable 'text' is a String; --field takes a Module<Tensor, Tensor>", await nb.FailAsync("#!flux new w --data pts --field text"));
        Assert.Contains("--field 'nothing' is neither a built-in field", await nb.FailAsync("#!flux new w --data pts --field nothing"));
        await nb.OkAsync("var ok = Net();");
        await nb.OkAsync("#!flux new w --data pts --field ok");
        await nb.OkAsync("#!flux train w --steps 1 --batch 8");
    }

    [Fact]
    public async Task A_structure_term_is_added_to_the_loss_with_its_weight()
    {
        await nb.OkAsync("var h = Net(); Func<IVectorField, Tensor, Tensor> big = (fld, x) => fld.Evaluate(x).square().mean().add(1000); Func<IVectorField, Tensor, Tensor> rows = (fld, x) => fld.Evaluate(x);");
        await nb.OkAsync("#!flux new t --data pts --field h");
        await nb.OkAsync("#!flux train t --steps 2 --batch 16 --structure big --weight 0.5");
        Assert.True(nb.Model("t").LossHistory.All(l => l > 500));   // 0.5 · (1000 + …) is in every step's loss
        Assert.Contains("structure term 'rows' returned shape [16, 5]; it must return one number", await nb.FailAsync("#!flux train t --steps 1 --batch 16 --structure rows"));
        Assert.Contains("--weight needs --structure", await nb.FailAsync("#!flux train t --steps 1 --weight 2"));
        Assert.Contains("--structure 'nope' is not a C# variable", await nb.FailAsync("#!flux train t --steps 1 --structure nope"));
        await nb.OkAsync("#!flux train t --steps 1 --batch 16");
        Assert.Equal(3, nb.Model("t").StepsTrained);
    }
}
