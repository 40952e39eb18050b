namespace FluxMatching.Data;

using static TorchSharp.torch;

/// <summary>A batch of images with their labels.</summary>
/// <param name="Images">[n, C, H, W] in [−1, 1], the requested device and dtype.</param>
/// <param name="Labels">[n] int64 on the same device.</param>
public sealed record ImageBatch(Tensor Images, Tensor Labels);
