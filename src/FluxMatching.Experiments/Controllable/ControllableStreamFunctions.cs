namespace FluxMatching.Controllable;

using FluxMatching.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// The two scalar potentials of exp1 (the authors' experiments/exp1_controllable/test.py) that generate the cycle and skew modes. Geometry is
/// computed once in float64; evaluation works on points [B, 2] of any float dtype/device and is differentiable
/// (to any order) in the points.
/// <list type="bullet">
/// <item>ψ_cycle(x) = exp(−½(relu(L)/w_out)²)·(mean_e ridge_e(x) + a·sigmoid(−κL)), with the soft-max level
/// L = logsumexp_e(κ(n_e·x − o_e))/κ over the outward edge normals n_e and offsets o_e of the counter-clockwise
/// triangle of centres, and ridge_e = exp(−½(d_e/w)²)·σ(g a_e/w)·σ(g(ℓ_e − a_e)/w) (d_e normal distance, a_e
/// position along the edge from its start vertex, ℓ_e its length).</item>
/// <item>ψ_skew(x) = exp(−½((r/w_r)² + (t/w_t)²))·(1 + β·sigmoid(k (x·d)/R)) with d = (cos α, sin α), r and t the
/// coordinates of x − c along d and R d (c = f·R·d).</item>
/// </list>
/// </summary>
public sealed class ControllableStreamFunctions
{
    private readonly ControllableFieldConfig config;
    private readonly double[] vertices;   // [3, 2]
    private readonly double[] edgeUnit;   // [3, 2]
    private readonly double[] normals;    // [3, 2]
    private readonly double[] offsets;    // [3]
    private readonly double[] lengths;    // [3]

    /// <summary>Builds the geometry.</summary>
    /// <param name="config">Constants (null: the reference defaults).</param>
    public ControllableStreamFunctions(ControllableFieldConfig? config = null)
    {
        this.config = config ?? new ControllableFieldConfig();
        this.config.Validate();
        double[] angles = [Math.PI / 2, 7 * Math.PI / 6, 11 * Math.PI / 6];
        vertices = new double[6];
        for (int k = 0; k < 3; k++)
        {
            vertices[2 * k] = this.config.MixtureRadius * Math.Cos(angles[k]);
            vertices[(2 * k) + 1] = this.config.MixtureRadius * Math.Sin(angles[k]);
        }

        edgeUnit = new double[6];
        normals = new double[6];
        offsets = new double[3];
        lengths = new double[3];
        double signedArea = 0;
        for (int k = 0; k < 3; k++)
        {
            int next = (k + 1) % 3;
            signedArea += 0.5 * ((vertices[2 * k] * vertices[(2 * next) + 1]) - (vertices[2 * next] * vertices[(2 * k) + 1]));
        }

        for (int k = 0; k < 3; k++)
        {
            int next = (k + 1) % 3;
            double ex = vertices[2 * next] - vertices[2 * k], ey = vertices[(2 * next) + 1] - vertices[(2 * k) + 1];
            lengths[k] = Math.Sqrt((ex * ex) + (ey * ey));
            edgeUnit[2 * k] = ex / lengths[k];
            edgeUnit[(2 * k) + 1] = ey / lengths[k];
            double sign = signedArea >= 0 ? 1.0 : -1.0;            // outward normal of a CCW (or CW) triangle
            normals[2 * k] = sign * edgeUnit[(2 * k) + 1];
            normals[(2 * k) + 1] = -sign * edgeUnit[2 * k];
            offsets[k] = (normals[2 * k] * vertices[2 * k]) + (normals[(2 * k) + 1] * vertices[(2 * k) + 1]);
        }

        double angle = this.config.SkewAngleDegrees * Math.PI / 180.0;
        double dx = Math.Cos(angle), dy = Math.Sin(angle), norm = Math.Max(Math.Sqrt((dx * dx) + (dy * dy)), 1e-12);
        SkewDirection = [dx / norm, dy / norm];
        double scale = this.config.SkewCenterRadiusFraction * this.config.MixtureRadius;
        SkewCenter = [scale * SkewDirection[0], scale * SkewDirection[1]];
    }

    /// <summary>Triangle vertices (the mixture centres) [3, 2], counter-clockwise.</summary>
    public double[,] Vertices => To2D(vertices);

    /// <summary>Outward unit edge normals n_e [3, 2] (edge e runs from vertex e to vertex e+1).</summary>
    public double[,] EdgeNormals => To2D(normals);

    /// <summary>Edge offsets o_e = n_e·v_e [3] (all 1.15 for the reference triangle).</summary>
    public double[] EdgeOffsets => (double[])offsets.Clone();

    /// <summary>Unit direction d of the skew bump [2].</summary>
    public double[] SkewDirection { get; }

    /// <summary>Centre c of the skew bump [2].</summary>
    public double[] SkewCenter { get; }

    /// <summary>ψ_cycle at points x [B, 2]; returns [B].</summary>
    /// <param name="x">Points [B, 2], float32 or float64.</param>
    public Tensor PsiCycle(Tensor x)
    {
        ValidatePoints(x);
        using var scope = NewDisposeScope();
        var c = config;
        var n = Constant(normals, [3, 2], x);
        var v = Constant(vertices, [3, 2], x);
        var e = Constant(edgeUnit, [3, 2], x);
        var len = Constant(lengths, [1, 3], x);
        var kappa = Scalars.Shared(c.TriangleSmoothness);

        var signed = x.matmul(n.t()).sub(Constant(offsets, [1, 3], x));                        // [B, 3]
        var level = torch.logsumexp(signed.mul(kappa), 1).div(kappa);                          // [B]
        var rel = x.unsqueeze(1).sub(v.unsqueeze(0));                                         // [B, 3, 2]
        var along = rel.mul(e.unsqueeze(0)).sum(-1);                                          // [B, 3]
        var dist = rel.mul(n.unsqueeze(0)).sum(-1);
        var width = Scalars.Shared(Math.Max(c.TriangleWindowWidth, 1e-8));
        var sharp = Scalars.Shared(c.TriangleEdgeGateSharpness);
        var gate = along.mul(sharp).div(width).sigmoid().mul(len.sub(along).mul(sharp).div(width).sigmoid());
        var ridges = dist.div(width).pow(Scalars.Two).mul(Scalars.MinusHalf).exp().mul(gate);
        var interior = level.mul(Scalars.Shared(-c.TriangleSmoothness)).sigmoid();
        var outer = level.relu().div(Scalars.Shared(Math.Max(c.TriangleOuterFalloffWidth, 1e-8))).pow(Scalars.Two)
            .mul(Scalars.MinusHalf).exp();
        return outer.mul(ridges.mean([1]).add(interior, Scalars.Shared(c.TriangleInteriorWeight)))
            .MoveToOuterDisposeScope();
    }

    /// <summary>ψ_skew at points x [B, 2]; returns [B].</summary>
    /// <param name="x">Points [B, 2], float32 or float64.</param>
    public Tensor PsiSkew(Tensor x)
    {
        ValidatePoints(x);
        using var scope = NewDisposeScope();
        var c = config;
        var d = Constant(SkewDirection, [2], x);
        var t = Constant([-SkewDirection[1], SkewDirection[0]], [2], x);
        var rel = x.sub(Constant(SkewCenter, [1, 2], x));
        var radial = rel.mul(d).sum(1).div(Scalars.Shared(Math.Max(c.SkewRadialWidth, 1e-8)));
        var tangential = rel.mul(t).sum(1).div(Scalars.Shared(Math.Max(c.SkewTangentialWidth, 1e-8)));
        var core = radial.pow(Scalars.Two).add(tangential.pow(Scalars.Two), Scalars.One).mul(Scalars.MinusHalf).exp();
        var bias = x.mul(d).sum(1).mul(Scalars.Shared(c.SkewSharpness / Math.Max(c.MixtureRadius, 1e-8))).sigmoid();
        return core.mul(bias.mul(Scalars.Shared(c.SkewBiasWeight)).add(Scalars.One, Scalars.One)).MoveToOuterDisposeScope();
    }

    internal static void ValidatePoints(Tensor x, string name = "x")
    {
        ArgumentNullException.ThrowIfNull(x, name);
        if (x.dim() != 2 || x.shape[1] != 2)
        {
            throw new ArgumentException($"{name} has shape [{string.Join(", ", x.shape)}]; expected [B, 2].", name);
        }

        if (x.dtype is not (ScalarType.Float32 or ScalarType.Float64))
        {
            throw new ArgumentException($"{name} has dtype {x.dtype}; allowed: Float32 or Float64.", name);
        }
    }

    private static Tensor Constant(double[] values, long[] shape, Tensor like) =>
        tensor(values, shape, ScalarType.Float64).to(like.dtype, like.device);

    private static double[,] To2D(double[] flat)
    {
        var a = new double[flat.Length / 2, 2];
        for (int i = 0; i < flat.Length / 2; i++)
        {
            a[i, 0] = flat[2 * i];
            a[i, 1] = flat[(2 * i) + 1];
        }

        return a;
    }
}
