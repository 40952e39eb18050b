namespace FluxMatching.Reference;

/// <summary>One PyTorch Linear layer stored in a reference fixture (<c>weight</c> is [out, in]).</summary>
/// <param name="OutFeatures">Rows of the weight.</param>
/// <param name="InFeatures">Columns of the weight.</param>
/// <param name="Weight">Weight values, row-major [out, in].</param>
/// <param name="Bias">Bias [out].</param>
public sealed record FixtureLinearLayer(int OutFeatures, int InFeatures, double[] Weight, double[] Bias);
