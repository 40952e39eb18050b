namespace FluxMatching.Controllable;

using TorchSharp;

/// <summary>
/// exp1's scan (the authors' experiments/exp1_controllable/test.py, paper §4.1): for each θ, the rows of the four compatibility panels — the
/// preserving field's mixing speed, triangle alignment, Jacobian skewness, |DSM loss| and |flux loss|, and the
/// violating field's distribution violation, |DSM loss| and |flux loss| — standardized by the mean losses of the
/// violating rows. Also the 1-D axis scans and tie-breaks that pick the display fields.
/// </summary>
public sealed class ControllableScan
{
    /// <summary>Tabulates the family on the grid and prepares the mixing-speed solver.</summary>
    /// <param name="family">The field family (the scan does not own it).</param>
    /// <param name="options">Settings (null: the exp1 defaults).</param>
    public ControllableScan(ControllableFieldFamily family, ControllableScanOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(family);
        Options = options ?? new ControllableScanOptions();
        Options.Validate();
        Family = family;
        Grid = new ControllableGrid(Options.GridSize, Options.GridLimit);
        Fields = ControllableGridFields.Compute(family, Grid);
        Mixer = new MixingSpeedCalculator(Grid, Fields.Weights);
        ScoreMixingSpeed = Mixer.MixingSpeed(Fields.Score);
    }

    /// <summary>The settings.</summary>
    public ControllableScanOptions Options { get; }

    /// <summary>The field family.</summary>
    public ControllableFieldFamily Family { get; }

    /// <summary>The finite-difference grid.</summary>
    public ControllableGrid Grid { get; }

    /// <summary>The family on the grid (score, modes, weights, Gram matrices).</summary>
    public ControllableGridFields Fields { get; }

    /// <summary>The mixing-speed solver.</summary>
    public MixingSpeedCalculator Mixer { get; }

    /// <summary>Mixing speed of the score field (0.06183951593175084 on the exp1 grid).</summary>
    public double ScoreMixingSpeed { get; }

    /// <summary>
    /// The θ box of exp1: every combination of <c>linspace(−radius, radius, n)</c> on the three axes in
    /// <c>ij</c> order (θ₀ slowest), plus θ = 0 appended when the box lacks it (27 points for the defaults).
    /// </summary>
    /// <param name="radius">Half-width (default 2.5), finite and ≥ 0.</param>
    /// <param name="n">Values per axis (default 3), ≥ 1.</param>
    public static IReadOnlyList<double[]> ThetaBox(double radius = 2.5, int n = 3)
    {
        if (!double.IsFinite(radius) || radius < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(radius), radius, "radius must be finite and ≥ 0.");
        }

        if (n < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, "n must be ≥ 1.");
        }

        var values = Linspace(-radius, radius, n);
        var box = new List<double[]>();
        foreach (var a in values)
        {
            foreach (var b in values)
            {
                foreach (var c in values)
                {
                    box.Add([a, b, c]);
                }
            }
        }

        if (!box.Any(t => t.All(v => Math.Abs(v) <= 1e-8)))
        {
            box.Add([0, 0, 0]);
        }

        return box;
    }

    /// <summary>
    /// Computes the rows for a list of θ. Flux losses (when enabled) are drawn from <paramref name="generator"/> in
    /// the reference order: for each θ the preserving loss, then the violating loss.
    /// </summary>
    /// <param name="thetas">The θ values (each [3], finite), at least one.</param>
    /// <param name="generator">Generator of the Monte-Carlo draws (null: the global generator).</param>
    /// <param name="progress">Optional progress report (number of θ done).</param>
    public ControllableScanResult Run(IEnumerable<IReadOnlyList<double>> thetas, torch.Generator? generator = null,
        IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(thetas);
        var list = thetas.ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("thetas must hold at least one θ.", nameof(thetas));
        }

        list.ForEach(t => ControllableFieldFamily.ValidateTheta(t, nameof(thetas)));
        var raw = new List<ControllableScanRow>(list.Count);
        foreach (var theta in list)
        {
            raw.Add(Evaluate(theta, generator));
            progress?.Report(raw.Count);
        }

        double dsmNorm = Math.Max(raw.Average(r => r.ViolatingDsmLoss), 1e-12);
        double fluxNorm = Options.ComputeFluxLoss ? Math.Max(raw.Average(r => r.ViolatingFluxLoss), 1e-12) : double.NaN;
        var rows = raw.Select(r => r with
        {
            StandardizedDsmLoss = r.DsmLoss / dsmNorm,
            StandardizedFluxLoss = r.FluxLoss / fluxNorm,
            StandardizedViolatingDsmLoss = r.ViolatingDsmLoss / dsmNorm,
            StandardizedViolatingFluxLoss = r.ViolatingFluxLoss / fluxNorm,
        }).ToList();
        return new ControllableScanResult(rows, dsmNorm, fluxNorm, ScoreMixingSpeed);
    }

    /// <summary>The unstandardized row of one θ (flux losses drawn from <paramref name="generator"/>).</summary>
    /// <param name="theta">θ [3], finite.</param>
    /// <param name="generator">Generator of the Monte-Carlo draws (null: the global generator).</param>
    public ControllableScanRow Evaluate(IReadOnlyList<double> theta, torch.Generator? generator = null)
    {
        ControllableFieldFamily.ValidateTheta(theta);
        var w = Fields.Weights;
        var delta = Fields.Perturbation(theta, ModeKind.Preserving);
        var field = Fields.Field(theta, ModeKind.Preserving);
        double mixing = Mixer.MixingSpeed(field);
        double cycle = ControllableMetrics.TriangleAlignment(delta, Fields.Mode(ModeKind.Preserving, 1), w);
        double skew = ControllableMetrics.JacobianSkewness(Grid, delta, w);
        double dsm = Math.Abs(ControllableMetrics.DsmLoss(Fields.Gram, theta));
        double flux = double.NaN, fluxBad = double.NaN;
        if (Options.ComputeFluxLoss)
        {
            flux = Math.Abs(MonteCarloFluxLoss.Compute(Family, theta, ModeKind.Preserving, Options.Flux, generator).Mean);
        }

        var deltaBad = Fields.Perturbation(theta, ModeKind.Violating);
        double violation = ControllableMetrics.DistributionViolation(Grid, deltaBad, Fields.Score, w);
        double dsmBad = Math.Abs(ControllableMetrics.DsmLoss(Fields.GramViolating, theta));
        if (Options.ComputeFluxLoss)
        {
            fluxBad = Math.Abs(MonteCarloFluxLoss.Compute(Family, theta, ModeKind.Violating, Options.Flux, generator).Mean);
        }

        return new ControllableScanRow([.. theta], mixing, cycle, skew, dsm, flux, violation, dsmBad, fluxBad);
    }

    /// <summary>
    /// A 1-D scan of the preserving family along the axis that steers a metric (mixing → θ₀, triangle → θ₁,
    /// skewness → θ₂; exp1 uses <c>linspace(−8, 8, 33)</c>).
    /// </summary>
    /// <param name="metric">MixingSpeed, TriangleAlignment or JacobianSkewness.</param>
    /// <param name="values">θ values on the axis (finite), at least one.</param>
    public IReadOnlyList<AxisScanPoint> AxisScan(ControllableMetric metric, IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        int axis = AxisOf(metric);
        if (values.Count == 0 || values.Any(v => !double.IsFinite(v)))
        {
            throw new ArgumentException("values must hold at least one finite θ.", nameof(values));
        }

        var template = Fields.Mode(ModeKind.Preserving, 1);
        return values.Select(v =>
        {
            var theta = new double[3];
            theta[axis] = v;
            var delta = Fields.Perturbation(theta, ModeKind.Preserving);
            var field = Fields.Field(theta, ModeKind.Preserving);
            double cycle = ControllableMetrics.TriangleAlignment(delta, template, Fields.Weights);
            double value = metric switch
            {
                ControllableMetric.MixingSpeed => Mixer.MixingSpeed(field),
                ControllableMetric.TriangleAlignment => cycle,
                _ => ControllableMetrics.JacobianSkewness(Grid, delta, Fields.Weights),
            };
            return new AxisScanPoint(theta, value, cycle, field);
        }).ToList();
    }

    /// <summary>
    /// The display field of a panel from its axis scan (reference tie-breaks): mixing and triangle take the largest
    /// metric, ties to the larger |θ|; skewness keeps the values ≥ 0.995·max and takes the smallest |cycle alignment|,
    /// then the larger metric, then the larger |θ|.
    /// </summary>
    /// <param name="metric">The panel metric (not DistributionViolation).</param>
    /// <param name="points">The points of <see cref="AxisScan"/> for that metric.</param>
    public static AxisScanPoint SelectDisplayField(ControllableMetric metric, IReadOnlyList<AxisScanPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        _ = AxisOf(metric);
        if (points.Count == 0)
        {
            throw new ArgumentException("points must not be empty.", nameof(points));
        }

        static double AbsTheta(AxisScanPoint p) => p.Theta.Max(Math.Abs);
        if (metric == ControllableMetric.JacobianSkewness)
        {
            double max = points.Max(p => p.MetricValue);
            return points.Where(p => p.MetricValue >= 0.995 * max)
                .OrderBy(p => Math.Abs(p.CycleAlignment)).ThenByDescending(p => p.MetricValue)
                .ThenByDescending(AbsTheta).First();
        }

        return points.OrderBy(p => p.MetricValue).ThenBy(AbsTheta).Last();
    }

    private static int AxisOf(ControllableMetric metric) => metric switch
    {
        ControllableMetric.MixingSpeed => 0,
        ControllableMetric.TriangleAlignment => 1,
        ControllableMetric.JacobianSkewness => 2,
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric,
            "Axis scans exist for MixingSpeed, TriangleAlignment and JacobianSkewness only."),
    };

    private static double[] Linspace(double start, double stop, int n)
    {
        if (n == 1)
        {
            return [start];
        }

        var v = new double[n];
        double step = (stop - start) / (n - 1);
        for (int i = 0; i < n; i++)
        {
            v[i] = start + (i * step);
        }

        v[n - 1] = stop;
        return v;
    }
}
