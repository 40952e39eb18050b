namespace FluxMatching.RnaVelocity;

/// <summary>
/// Simulates a branching lineage with known splicing kinetics (scVelo's model): per gene,
/// du/dt = α(t) − β·u, ds/dt = β·u − γ·s, solved exactly between the switches of α. Genes follow one of four programs
/// (g mod 4): repressed along the trunk, induced along the trunk, induced in branch A only, induced in branch B only.
/// Cells sit at uniform latent times on the trunk (clusters "Progenitor", "Intermediate") or on a branch ("A-early",
/// "A-late", "B-early", "B-late"); counts are Poisson with a per-cell size factor, normalized by the cell's total,
/// then smoothed into Mu/Ms over the kNN graph as scVelo computes them (<see cref="KnnMoments"/>).
/// </summary>
public static class SplicingSimulator
{
    /// <summary>The lineage's transitions.</summary>
    public static IReadOnlyList<(string From, string To)> Edges { get; } =
    [
        ("Progenitor", "Intermediate"), ("Intermediate", "A-early"), ("A-early", "A-late"),
        ("Intermediate", "B-early"), ("B-early", "B-late"),
    ];

    /// <summary>Runs the simulation.</summary>
    /// <param name="options">Settings (null: defaults); validated.</param>
    public static SimulatedLineage Simulate(SplicingSimulatorOptions? options = null)
    {
        var o = options ?? new SplicingSimulatorOptions();
        o.Validate();
        var rng = new Random(o.Seed);
        int g = o.Genes, n = o.Cells;
        double t0 = o.TrunkDuration, t1 = o.BranchDuration;
        var alpha = new double[g];
        var beta = new double[g];
        var gamma = new double[g];
        var switchAt = new double[g];
        for (int j = 0; j < g; j++)
        {
            alpha[j] = LogUniform(rng, 1.0, 4.0);
            beta[j] = LogUniform(rng, 0.5, 2.0);
            do
            {
                gamma[j] = LogUniform(rng, 0.15, 1.0);
            }
            while (Math.Abs(gamma[j] - beta[j]) < 0.05);

            switchAt[j] = (j % 4) switch
            {
                0 => t0 * (0.3 + 0.5 * rng.NextDouble()),
                1 => t0 * (0.1 + 0.5 * rng.NextDouble()),
                _ => t0 + t1 * 0.3 * rng.NextDouble(),
            };
        }

        var time = new double[n];
        var branch = new int[n];
        var clusters = new string[n];
        int trunkCells = (int)Math.Round(n * o.TrunkFraction);
        for (int c = 0; c < n; c++)
        {
            branch[c] = c < trunkCells ? -1 : (c - trunkCells) % 2;
            time[c] = branch[c] < 0 ? t0 * rng.NextDouble() : t0 + t1 * rng.NextDouble();
            clusters[c] = branch[c] < 0
                ? time[c] < t0 / 2 ? "Progenitor" : "Intermediate"
                : $"{(branch[c] == 0 ? "A" : "B")}-{(time[c] < t0 + t1 / 2 ? "early" : "late")}";
        }

        var truthU = new double[n, g];
        var truthS = new double[n, g];
        var velocity = new double[n, g];
        for (int c = 0; c < n; c++)
        {
            for (int j = 0; j < g; j++)
            {
                var (u, s) = State(j, time[c], branch[c], alpha[j], beta[j], gamma[j], switchAt[j]);
                truthU[c, j] = o.CountDepth * u;
                truthS[c, j] = o.CountDepth * s;
                velocity[c, j] = o.CountDepth * (beta[j] * u - gamma[j] * s);
            }
        }

        var (unspliced, spliced) = Counts(truthU, truthS, o.SizeFactorSpread, rng);
        var graph = KnnMoments.Build(unspliced, spliced, o.Neighbors, o.PrincipalComponents);
        var names = Enumerable.Range(0, g).Select(j => $"gene{j:D3}").ToArray();
        var data = new VelocityData(graph.Mu, graph.Ms, graph.Embedding, clusters, graph.Neighbors, Edges, names);
        return new SimulatedLineage(data, unspliced, spliced, velocity, time, alpha, beta, gamma);
    }

    /// <summary>α of gene j at time t on a path (−1 trunk, 0 branch A, 1 branch B).</summary>
    private static double AlphaAt(int j, double t, int path, double alpha, double switchAt) => (j % 4) switch
    {
        0 => t < switchAt ? alpha : 0,
        1 => t >= switchAt ? alpha : 0,
        2 => path == 0 && t >= switchAt ? alpha : 0,
        _ => path == 1 && t >= switchAt ? alpha : 0,
    };

    internal static (double U, double S) State(int j, double t, int path, double alpha, double beta, double gamma,
        double switchAt)
    {
        double u = 0, s = 0, from = 0;
        foreach (double to in new[] { Math.Min(switchAt, t), t })
        {
            if (to > from)
            {
                double a = AlphaAt(j, 0.5 * (from + to), path, alpha, switchAt);
                (u, s) = Advance(u, s, a, beta, gamma, to - from);
                from = to;
            }
        }

        return (u, s);
    }

    /// <summary>The exact solution after τ with constant α (β ≠ γ).</summary>
    internal static (double U, double S) Advance(double u0, double s0, double alpha, double beta, double gamma,
        double tau)
    {
        double eb = Math.Exp(-beta * tau), eg = Math.Exp(-gamma * tau);
        double uInf = alpha / beta, sInf = alpha / gamma;
        double c = beta * (u0 - uInf) / (gamma - beta);
        double u = uInf + (u0 - uInf) * eb;
        double s = sInf + c * eb + (s0 - sInf - c) * eg;
        return (u, s);
    }

    private static (double[,] U, double[,] S) Counts(double[,] u, double[,] s, double spread, Random rng)
    {
        int n = u.GetLength(0), g = u.GetLength(1);
        var cu = new double[n, g];
        var cs = new double[n, g];
        var totals = new double[n];
        for (int c = 0; c < n; c++)
        {
            double size = Math.Exp(spread * Normal(rng));
            for (int j = 0; j < g; j++)
            {
                cu[c, j] = Poisson(rng, size * u[c, j]);
                cs[c, j] = Poisson(rng, size * s[c, j]);
                totals[c] += cu[c, j] + cs[c, j];
            }
        }

        // Both layers by the cell's combined total (to the median total), which keeps u/s ratios comparable.
        double median = totals.Order().ElementAt(n / 2);
        for (int c = 0; c < n; c++)
        {
            double f = totals[c] > 0 ? median / totals[c] : 1.0;
            for (int j = 0; j < g; j++)
            {
                cu[c, j] *= f;
                cs[c, j] *= f;
            }
        }

        return (cu, cs);
    }

    private static double LogUniform(Random rng, double lo, double hi) =>
        Math.Exp(Math.Log(lo) + (Math.Log(hi) - Math.Log(lo)) * rng.NextDouble());

    private static double Normal(Random rng) =>
        Math.Sqrt(-2.0 * Math.Log(1.0 - rng.NextDouble())) * Math.Cos(2.0 * Math.PI * rng.NextDouble());

    private static double Poisson(Random rng, double mean)
    {
        if (mean <= 0)
        {
            return 0;
        }

        if (mean > 40)
        {
            return Math.Max(0, Math.Round(mean + Math.Sqrt(mean) * Normal(rng)));
        }

        double limit = Math.Exp(-mean), p = 1;
        int k = 0;
        do
        {
            k++;
            p *= rng.NextDouble();
        }
        while (p > limit);
        return k - 1;
    }
}
