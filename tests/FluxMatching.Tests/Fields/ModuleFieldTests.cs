namespace FluxMatching.Tests.Fields;

using FluxMatching.Data;
using FluxMatching.Fields;
using FluxMatching.Models;
using FluxMatching.Training;
using TorchSharp;
using static TorchSharp.torch;

public class ModuleFieldTests
{
    private static nn.Module<Tensor, Tensor> Net(int inputs, int outputs) =>
        nn.Sequential(nn.Linear(inputs, 16), nn.SiLU(), nn.Linear(16, outputs));

    [Fact]
    public void A_module_over_shaped_samples_sees_its_shape_and_returns_the_flat_field()
    {
        using var scope = torch.NewDisposeScope();
        var seen = new List<long[]>();
        var net = nn.Sequential(("flat", nn.Flatten()), ("lin", nn.Linear(6, 6)), ("back", nn.Unflatten(1, [2, 3])));
        var field = new ModuleField(net, [2, 3], "net");
        var y = field.Evaluate(torch.randn(4, 6));
        Assert.Equal(new long[] { 4, 6 }, y.shape);
    }

    [Fact]
    public void Building_a_model_keeps_the_module_trainable_and_the_average_holds_its_own_parameters()
    {
        var net = Net(5, 5);
        var field = new ModuleField(net, [5], "d");
        Assert.True(torch.is_grad_enabled());
        Assert.True(net.parameters().All(p => p.requires_grad));
        var y = field.Evaluate(torch.randn(3, 5));
        Assert.True(y.requires_grad, "eval");
        var r = new FluxMatching.Losses.FluxMatchingLoss().Compute(field, torch.randn(16, 5), 0.05);
        Assert.True(r.PerSample.requires_grad, "loss");
        var name = ModuleField.Register("kept", net, [5]);
        var model = new FluxModel(new FluxModelConfig { Field = name }, new UserData(new UniformCube(5)));
        Assert.True(torch.is_grad_enabled(), "grad after model");
        Assert.Equal(4, model.Ema.parameters().Count());
        Assert.Equal(new[] { "p0", "p1", "p2", "p3" }, model.Ema.named_parameters().Select(p => p.name).ToArray());
        Assert.True(net.parameters().All(p => p.requires_grad), "params after model");
        Assert.True(model.Field.Evaluate(torch.randn(3, 5)).requires_grad, "eval after model");
        var o = model.CreateObjective(new TrainerOptions());
        Assert.True(net.parameters().All(p => p.requires_grad), "params after objective");
        Assert.True(o.Compute().Objective.requires_grad, "objective");
    }

    [Fact]
    public void A_wrong_output_shape_is_named_in_one_line()
    {
        var field = new ModuleField(Net(5, 3), [5], "narrow");
        var e = Assert.Throws<ArgumentException>(() => field.Evaluate(torch.randn(7, 5)));
        Assert.Equal("field 'narrow' maps [7, 5] to [7, 3]; it must return the shape it is given ([B, 5]).", e.Message);
        var wide = new ModuleField(Net(4, 5), [5], "wide");
        e = Assert.Throws<ArgumentException>(() => wide.Evaluate(torch.randn(7, 5)));
        Assert.StartsWith("field 'wide' failed on its first batch, of shape [7, 5]: ", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void A_model_over_a_registered_module_trains_the_module_and_averages_it_for_sampling()
    {
        var net = Net(5, 5);
        var before = net.parameters().First().detach().clone();
        var name = ModuleField.Register("unit-net", net, [5]);
        var model = new FluxModel(new FluxModelConfig { Field = name }, new UserData(new UniformCube(5)));
        Assert.Same(net, ((ModuleField)model.Field).Module);
        var result = Trainer.Train(model, new TrainerOptions { Steps = 3, Batch = 16, EmaDecay = 0.5 });
        Assert.Equal(3, result.StepsCompleted);
        Assert.False(net.parameters().First().allclose(before));
        // The average differs from the live weights after training, and evaluating it leaves the live weights as they were.
        var live = net.parameters().First().detach().clone();
        using var x = torch.randn(4, 5);
        using var a = model.Ema.Evaluate(x);
        using var f = model.Field.Evaluate(x);
        Assert.True(net.parameters().First().equal(live).all().ToBoolean());
        Assert.False(a.allclose(f));
        Assert.Equal(new long[] { 4, 5 }, model.Sample(new SamplingRequest { N = 4, Steps = 2 }).Samples.shape);
    }

    [Fact]
    public void A_structure_term_adds_its_weighted_value_to_every_step()
    {
        // Two copies of one module, trained with the same draws; a constant term has no gradient, so the two runs take
        // the same steps and every loss differs by exactly 0.5 × 10,000.
        var plainNet = Net(2, 2);
        var termNet = Net(2, 2);
        termNet.load_state_dict(plainNet.state_dict());
        var plain = new FluxModel(new FluxModelConfig { Field = ModuleField.Register("unit-net-2a", plainNet, [2]) });
        var model = new FluxModel(new FluxModelConfig { Field = ModuleField.Register("unit-net-2", termNet, [2]) });
        var term = new StructureTerm((f, x) => torch.tensor(10000.0f), 0.5, "constant");
        var options = new TrainerOptions { Steps = 2, Batch = 16, Seed = 3 };
        var without = Trainer.Train(plain, options);
        var with = Trainer.Train(model, term.AddTo(options));
        Assert.Equal(2, with.Losses.Count);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(5000.0, with.Losses[i] - without.Losses[i], 1e-2);
        }
        var bad = new StructureTerm((f, x) => f.Evaluate(x), 1, "rows");
        var e = Assert.Throws<ArgumentException>(() => Trainer.Train(model, bad.AddTo(new TrainerOptions { Steps = 1, Batch = 16 })));
        Assert.Equal("rows returned shape [16, 2]; it must return one number (a 0-d tensor, e.g. .mean()).", e.Message);
    }
}
