namespace FluxMatching.Tests.Fields.Images;

using FluxMatching.Fields.Images;

public class UNetTests
{
    /// <summary>The fixtures' configuration: 1×8×8, 32 channels, levels ×1 ×2, attention at the second.</summary>
    internal static readonly UNetConfig Small = new()
    {
        ImageChannels = 1, ImageHeight = 8, ImageWidth = 8, Channels = 32, ChannelMultipliers = [1, 2],
        IsAttention = [false, true], Blocks = 1, Dropout = 0.0,
    };

    [Fact]
    public void The_attention_block_keeps_the_residual_stream_nchw_contiguous()
    {
        // Its projection comes back as a channels-last view; summed the other way round, every later GroupNorm, SiLU
        // and convolution of the step ran on channels-last strides (the U-Net flux step was 16–21 % slower).
        using var scope = NewDisposeScope();
        using var block = new AttentionBlock(32);
        var x = randn([2, 32, 4, 4], generator: new Generator(3));
        var y = block.forward(x);
        Assert.True(y.is_contiguous(), $"strides [{string.Join(", ", y.stride())}]");
    }

    [Fact]
    public void The_authors_CIFAR_configuration_has_their_parameter_count()
    {
        using var net = new UNet(new UNetConfig());
        Assert.Equal(35_746_307L, net.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void The_fixture_configuration_has_the_fixtures_parameter_count()
    {
        using var net = new UNet(Small);
        Assert.Equal(701_345L, net.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void Parameter_names_are_the_authors_pytorch_names()
    {
        using var net = new UNet(Small);
        var names = net.state_dict().Keys.ToHashSet();
        foreach (var name in new[]
                 {
                     "image_proj.weight", "time_emb.lin1.weight", "time_emb.lin2.bias", "down.0.res.norm1.weight",
                     "down.0.res.conv2.1.weight", "down.0.res.time_emb.1.weight", "down.1.conv.weight",
                     "down.2.res.shortcut.weight", "down.2.attn.projection.weight", "middle.res1.conv1.weight",
                     "middle.attn.output.bias", "middle.res2.norm2.bias", "up.0.res.shortcut.weight",
                     "up.2.conv.weight", "up.3.res.conv1.weight", "norm.weight", "final.bias",
                 })
        {
            Assert.Contains(name, names);
        }

        Assert.DoesNotContain("down.0.attn.norm.weight", names);                  // no attention at level 0
        Assert.DoesNotContain("down.0.res.shortcut.weight", names);               // 32 → 32: identity shortcut
        Assert.Equal(128, names.Count);
    }

    [Fact]
    public void Resampling_residual_blocks_are_named_op_and_have_no_convolution_between_levels()
    {
        using var net = new UNet(Small with { UseResForUpDown = true });
        var names = net.state_dict().Keys.ToList();
        Assert.Contains("down.1.op.norm1.weight", names);
        Assert.Contains("up.2.op.conv2.1.weight", names);
        Assert.DoesNotContain(names, n => n.StartsWith("down.1.conv", StringComparison.Ordinal));
        using var y = net.forward(randn(2, 1, 8, 8), zeros(2));
        Assert.Equal(new long[] { 2, 1, 8, 8 }, y.shape);
    }

    [Fact]
    public void Group_norm_affine_parameters_start_at_one_and_zero()
    {
        using var net = new UNet(Small);
        foreach (var (name, p) in net.named_parameters().Where(e => IsNorm(e.name)))
        {
            double expected = name.EndsWith("weight", StringComparison.Ordinal) ? 1.0 : 0.0;
            Assert.True(p.eq(expected).all().item<bool>(), $"{name} is not {expected} everywhere");
        }
    }

    [Fact]
    public void Several_attention_heads_change_the_output_but_not_the_parameter_shapes()
    {
        manual_seed(3);
        using var one = new UNet(Small);
        using var two = new UNet(Small with { AttentionChannelsPerHead = 32 });
        var shapes = two.state_dict().ToDictionary(e => e.Key, e => e.Value.shape);
        foreach (var (name, t) in one.state_dict())
        {
            Assert.Equal(t.shape, shapes[name]);
        }

        two.load_state_dict(one.state_dict());
        var x = randn(2, 1, 8, 8);
        var t0 = tensor(new float[] { -0.3f, 0.2f });
        using var a = one.forward(x, t0);
        using var b = two.forward(x, t0);
        Assert.True(a.sub(b).abs().max().item<float>() > 1e-6f, "two heads of 32 equal one head of 64");
    }

    [Fact]
    public void A_bad_configuration_names_the_setting_and_the_rule()
    {
        var e = Assert.Throws<ArgumentException>(() => new UNet(Small with { Channels = 48 }));
        Assert.Contains("Channels = 48", e.Message);
        e = Assert.Throws<ArgumentException>(() => new UNet(Small with { IsAttention = [true] }));
        Assert.Contains("IsAttention", e.Message);
        e = Assert.Throws<ArgumentException>(() => new UNet(Small with { ImageHeight = 7 }));
        Assert.Contains("ImageHeight = 7", e.Message);
    }

    private static bool IsNorm(string name) =>
        name.Split('.') is var parts && parts.Length >= 2 && parts[^2].StartsWith("norm", StringComparison.Ordinal);
}
