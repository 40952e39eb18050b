namespace FluxMatching.Interactive.Tests.Magic;

using FluxMatching.Data;

public sealed class UserDataCommandTests : IAsyncLifetime
{
    private NotebookKernel nb = null!;
    private DirectoryInfo dir = null!;

    public async Task InitializeAsync()
    {
        nb = await NotebookKernel.StartAsync();
        dir = Directory.CreateTempSubdirectory("flux-data");
    }

    public Task DisposeAsync()
    {
        nb.Dispose();
        dir.Delete(true);
        return Task.CompletedTask;
    }

    private string File(string name, string text)
    {
        var path = Path.Combine(dir.FullName, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task A_tensor_variable_becomes_the_data_with_a_holdout_and_standardization()
    {
        await nb.OkAsync("var pts = TorchSharp.torch.randn(200, 5).mul(3).add(1000);");
        var html = NotebookKernel.Html(await nb.OkAsync("#!flux new u --data pts --hidden 8 --holdout 0.1"));
        Assert.Contains("standardized per coordinate", html);
        Assert.Contains("20 held out", html);
        var data = Assert.IsType<UserData>(nb.Model("u").Data);
        Assert.Equal(5, data.Dimension);
        Assert.Equal(180, ((PointCloud)data.Train).Count);
        Assert.Contains("standardized", NotebookKernel.Html(await nb.OkAsync("#!flux info u")));
        Assert.Contains("standardized data (samples in data units)", NotebookKernel.Html(await nb.OkAsync("#!flux info")));
        await nb.OkAsync("#!flux train u --steps 2 --batch 16");
        // Samples come back in data units (mean near 1000), compared with the 20 held-out points.
        var mean = await nb.ValueAsync<float>("FluxMatching.Interactive.Notebook.Sample(u, new FluxMatching.Models.SamplingRequest { N = 40, Steps = 5 }).Samples.mean().item<float>()");
        Assert.InRange(mean, 900, 1100);
        Assert.Equal(20, await nb.ValueAsync<int>("FluxMatching.Interactive.Notebook.Sample(u, new FluxMatching.Models.SamplingRequest { N = 40, Steps = 5 }).Metrics!.ReferenceCount"));
    }

    [Fact]
    public async Task Arrays_and_data_sources_are_taken_and_no_standardize_keeps_units()
    {
        await nb.OkAsync("var arr = new double[,] { { 1, 2 }, { 3, 4 }, { 5, 7 } };");
        await nb.OkAsync("#!flux new a --data arr --hidden 8 --no-standardize");
        Assert.Null(Assert.IsType<UserData>(nb.Model("a").Data).Standardization);
        await nb.OkAsync("var cube = new FluxMatching.Data.UniformCube(3);");
        await nb.OkAsync("#!flux new c --data cube --hidden 8");
        Assert.Equal(3, nb.Model("c").Data.Dimension);
    }

    [Fact]
    public async Task Csv_and_npy_files_are_read_by_path_and_through_a_string_variable()
    {
        var csv = File("pts.csv", "a,b,c\n1,2,3\n4,5,6\n7,8,10\n");
        await nb.OkAsync($"#!flux new f --data \"{csv}\" --hidden 8");
        Assert.Equal(3, nb.Model("f").Data.Dimension);
        await nb.OkAsync($"var p = @\"{csv}\";");
        await nb.OkAsync("#!flux new g --data @csharp:p --hidden 8");
        Assert.Equal("pts", nb.Model("g").Data.Name);
        await nb.OkAsync("#!flux new h --data p --hidden 8");
        Assert.Equal(3, nb.Model("h").Data.Dimension);
        var npy = Path.Combine(dir.FullName, "x.npy");
        using (var x = TorchSharp.torch.rand(10, 2, 2))
        {
            NpyData.Write(npy, x);
        }

        await nb.OkAsync($"#!flux new n --data \"{npy}\" --hidden 8");
        Assert.Equal(4, nb.Model("n").Data.Dimension);
    }

    [Fact]
    public async Task Malformed_files_and_wrong_variables_fail_with_one_line_and_the_kernel_lives_on()
    {
        var ragged = File("ragged.csv", "1,2\n3,4\n5\n");
        Assert.Equal("#!flux new: ragged.csv: line 3 has 1 column(s); the first line has 2.",
            await nb.FailAsync($"#!flux new r --data \"{ragged}\""));
        var text = File("text.csv", "x,y\n1,2\n3,abc\n");
        Assert.Contains("text.csv: line 3, column 2 ('y') is 'abc', not a number.", await nb.FailAsync($"#!flux new r --data \"{text}\""));
        var nan = File("nan.csv", "1,2\n3,nan\n4,5\n");
        Assert.Contains("nan.csv: line 2, column 2 is NaN", await nb.FailAsync($"#!flux new r --data \"{nan}\""));
        var one = File("one.csv", "1,2\n");
        Assert.Contains("one.csv: needs at least 2 data rows; found 1", await nb.FailAsync($"#!flux new r --data \"{one}\""));
        var forged = Path.Combine(dir.FullName, "forged.npy");
        var header = "{'descr': '<f8', 'fortran_order': False, 'shape': (100000000000, 100000), }".PadRight(117) + "\n";
        System.IO.File.WriteAllBytes(forged, [0x93, .. "NUMPY"u8.ToArray(), 1, 0, (byte)header.Length, 0, .. System.Text.Encoding.ASCII.GetBytes(header), .. new byte[16]]);
        Assert.Contains("forged.npy: the header's shape (100000000000, 100000) needs", await nb.FailAsync($"#!flux new r --data \"{forged}\""));
        await nb.OkAsync("var bad = TorchSharp.torch.ones(4, 3); bad[2, 1] = TorchSharp.torch.tensor(float.NaN);");
        Assert.Contains("tensor 'bad': row 3, column 2 is NaN", await nb.FailAsync("#!flux new r --data bad"));
        await nb.OkAsync("var words = new System.Collections.Generic.List<int>();");
        Assert.Contains("the C# variable 'words' is a List", await nb.FailAsync("#!flux new r --data words"));
        Assert.Contains("there is no file", await nb.FailAsync("#!flux new r --data nothing-here.csv"));
        Assert.Contains("--holdout must be a fraction in [0, 1), got 1.5", await nb.FailAsync($"#!flux new r --data \"{File("ok.csv", "1\n2\n3\n")}\" --holdout 1.5"));
        Assert.Contains("--holdout and --no-standardize apply to your own data", await nb.FailAsync("#!flux new r --data ring --holdout 0.1"));
        await nb.OkAsync("#!flux new r --data ring --hidden 8");          // the kernel still works
        Assert.Equal(2, nb.Model("r").Data.Dimension);
    }
}
