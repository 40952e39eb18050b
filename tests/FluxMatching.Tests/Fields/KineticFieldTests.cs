namespace FluxMatching.Tests.Fields;

using FluxMatching.Fields;
using FluxMatching.Tests.Losses;

public class KineticFieldTests
{
    // The authors' exp2 worked example (G = 3): b̃, g̃, a_u, a_s, c, set in float32 (PyTorch's default) and then
    // converted with the module to float64: the values are float32-rounded, the arithmetic float64.
    internal static KineticField ExampleField()
    {
        var field = new KineticField(3);
        field.Load([0.1, -0.2, 0.3], [-0.5, 0, 0.4], [0.3, -0.1, 0.2], [-0.2, 0.4, 0.1], [0.05, -0.3, 0.2]);
        field.to(ScalarType.Float64);
        return field;
    }

    [Fact]
    public void Forward_at_the_authors_example_point_reproduces_their_du_and_ds()
    {
        using var scope = NewDisposeScope();
        using var field = ExampleField();
        var x0 = tensor(new[] { 1.2840300132561882, 0.5195158303526306, 0.7216552388543085, 0.6302652162981011,
            0.5322342775545446, 1.7028573958746018 }, [1, 3, 2], ScalarType.Float64);
        var v = field.Velocity(x0.select(2, 0), x0.select(2, 1));
        // The authors' forward returns cat(du, ds).
        var authors = new[] { -0.08336968041641779, 0.2032683906553538, 0.5049410249571642, 0.7095379207333843,
            -0.0052164186085637, -1.1000188018359427 };
        Numerics.AssertRelative(authors, cat([v.Du, v.Ds], 1), 1e-14);
        var interleaved = field.Evaluate(x0);
        Assert.Equal(new long[] { 1, 3, 2 }, interleaved.shape);
        Numerics.AssertRelative(Numerics.Values(stack([v.Du, v.Ds], 2)), interleaved, 0);
    }

    [Fact]
    public void Every_parameter_starts_at_zero_so_the_field_is_linear_with_drive_ln2()
    {
        using var scope = NewDisposeScope();
        using var field = new KineticField(4);
        Assert.All(field.parameters(), p => Assert.Equal(0.0, p.abs().sum().ToDouble()));
        Assert.Equal(5, field.parameters().Count());
        var x = tensor(new float[] { 1, 2, 3, 4, 0, 0, 2, 1 }, [1, 8]);
        var f = Numerics.Values(field.Evaluate(x));
        double rate = Math.Log(2) + 1e-6, drive = Math.Log(2) + 1e-6;
        Assert.Equal(drive - rate * 1, f[0], 5);
        Assert.Equal(rate * 1 - rate * 2, f[1], 5);
        Assert.Equal(rate * 2 - rate * 1, f[7], 5);
    }

    [Fact]
    public void Parameters_keep_the_authors_names_and_report_their_device_and_dtype()
    {
        using var field = new KineticField(2);
        Assert.Equal(
            ["beta_unconstrained", "gamma_unconstrained", "transcription_u", "transcription_s", "transcription_bias"],
            field.named_parameters().Select(p => p.name).ToArray());
        Assert.Equal(ScalarType.Float32, field.DType);
        field.to(ScalarType.Float64);
        Assert.Equal(ScalarType.Float64, field.DType);
        Assert.Equal(DeviceType.CPU, field.Device.type);
        Assert.Equal(4, field.Dimension);
    }

    [Fact]
    public void A_wrong_shape_or_gene_count_is_refused_with_the_shape_named()
    {
        using var field = new KineticField(3);
        var e = Assert.Throws<ArgumentException>(() => field.Evaluate(zeros(2, 5)));
        Assert.Contains("[B, 6] or [B, 3, 2]", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new KineticField(0));
        Assert.Throws<ArgumentException>(() => field.Load([1.0], [1.0], [1.0], [1.0], null));
    }
}
