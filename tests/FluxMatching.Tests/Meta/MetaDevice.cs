namespace FluxMatching.Tests.Meta;

using FluxMatching.Fields;

/// <summary>
/// libtorch's shape-only <c>meta</c> device: tensors there carry shapes and dtypes but no values, and an operation
/// that mixes a meta tensor with a CPU one throws. A piece that runs with every tensor on meta makes no tensor on the
/// CPU behind its caller's back, which is what it needs to run on any accelerator.
/// </summary>
internal static class MetaDevice
{
    public static readonly Device Meta = new("meta");

    /// <summary>A batch [B, D] on meta.</summary>
    public static Tensor Batch(long b = 16, long d = 2, ScalarType dtype = ScalarType.Float32) =>
        randn([b, d], dtype, Meta);

    /// <summary>Asserts that <paramref name="t"/> lives on meta with the given shape.</summary>
    public static void OnMeta(Tensor t, params long[] shape)
    {
        Assert.Equal(DeviceType.META, t.device_type);
        Assert.Equal(shape, t.shape);
    }

    /// <summary>A trainable field moved to meta.</summary>
    public static T Moved<T>(T field) where T : TrainableField
    {
        field.to(Meta);
        return field;
    }
}
