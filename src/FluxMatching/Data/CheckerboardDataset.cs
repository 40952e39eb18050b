namespace FluxMatching.Data;

using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// A 4×4 checkerboard on [−4, 4)²: uniform density 1/32 on the eight squares of side 2 whose indices
/// (⌊(x+4)/2⌋, ⌊(y+4)/2⌋) have an even sum, zero elsewhere. Draw order: n×3 uniforms (x position, row pair,
/// position within the row); the row index is 2·⌊2u₂⌋ + (column mod 2).
/// </summary>
public sealed class CheckerboardDataset : IDataSource
{
    // Cached Scalars: Sample runs once per training step (cache or dispose Scalars in hot loops: each one holds a native handle).
    private static readonly Scalar Zero = 0.0.ToScalar();
    private static readonly Scalar One = 1.0.ToScalar();
    private static readonly Scalar Two = 2.0.ToScalar();
    private static readonly Scalar Three = 3.0.ToScalar();
    private static readonly Scalar Four = 4.0.ToScalar();
    private readonly Scalar cellScalar;
    private readonly Scalar halfWidthScalar;

    /// <summary>Creates the checkerboard.</summary>
    /// <param name="halfWidth">Half width of the board (default 4; squares of side halfWidth/2), finite and &gt; 0.</param>
    public CheckerboardDataset(double halfWidth = 4.0)
    {
        if (!double.IsFinite(halfWidth) || halfWidth <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(halfWidth), halfWidth, "The half width must be finite and > 0.");
        }

        HalfWidth = halfWidth;
        cellScalar = (halfWidth / 2).ToScalar();
        halfWidthScalar = halfWidth.ToScalar();
    }

    /// <inheritdoc />
    public string Name => "checkerboard";

    /// <inheritdoc />
    public int Dimension => 2;

    /// <summary>Half width of the board; the board is [−HalfWidth, HalfWidth)².</summary>
    public double HalfWidth { get; }

    /// <inheritdoc />
    public Tensor Sample(int n, Generator? generator = null, Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        var dev = RandomDraws.ValidateSampleArguments(n, device, dtype);
        using var scope = torch.NewDisposeScope();
        var u = RandomDraws.Rand([n, 3], dtype, dev, generator);
        var cols = u[.., 0].mul(Four);                       // in cell units, [0, 4)
        var col = cols.floor().clamp(Zero, Three);
        var row = u[.., 1].mul(Two).floor().clamp(Zero, One).mul(Two).add(col.remainder(Two), One);
        var rows = row.add(u[.., 2], One);                     // [0, 4)
        var x = torch.stack([cols, rows], 1).mul(cellScalar).sub(halfWidthScalar);
        return x.MoveToOuterDisposeScope();
    }
}
