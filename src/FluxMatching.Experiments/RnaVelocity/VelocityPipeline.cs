namespace FluxMatching.RnaVelocity;

using static TorchSharp.torch;

/// <summary>
/// The exp2 comparison on one data set: the kinetic field fitted by the gene-local flux loss against scVelo's
/// steady-state model and the same kinetic field fitted by denoising score matching (and, on simulated data, the true
/// velocity), each projected onto the embedding and scored by CBDir and coherence.
/// </summary>
public static class VelocityPipeline
{
    /// <summary>Runs the methods (and the truth when given).</summary>
    /// <param name="data">The data set.</param>
    /// <param name="training">Flux training settings (null: the authors').</param>
    /// <param name="truth">The simulation behind <paramref name="data"/>, or null.</param>
    /// <param name="device">Training device (null: CPU).</param>
    /// <param name="progress">Training progress per epoch (the flux fit, then the DSM fit).</param>
    /// <param name="includeDsm">Also fit the kinetic field by DSM (<see cref="KineticObjective.Dsm"/>, same settings and
    /// seed). Default true.</param>
    public static VelocityComparison Run(VelocityData data, KineticTrainingOptions? training = null,
        SimulatedLineage? truth = null, Device? device = null, IProgress<(int Epoch, double Loss)>? progress = null,
        bool includeDsm = true)
    {
        ArgumentNullException.ThrowIfNull(data);
        var fit = KineticFluxTrainer.Fit(data.Mu, data.Ms, training, device, progress);
        var gamma = SteadyStateModel.FitGamma(data.Mu, data.Ms);
        var methods = new List<MethodResult>
        {
            Score("Flux", data, fit.Velocity, Ratio(fit), truth),
            Score("SteadyState", data, SteadyStateModel.Velocity(data.Mu, data.Ms, gamma), gamma, truth),
        };
        KineticFit? dsm = null;
        if (includeDsm)
        {
            dsm = KineticFluxTrainer.Fit(data.Mu, data.Ms, training, device, progress, KineticObjective.Dsm);
            methods.Add(Score("DSM", data, dsm.Velocity, Ratio(dsm), truth));
        }

        if (truth is not null)
        {
            var trueRatio = truth.Gamma.Zip(truth.Beta, (gm, b) => gm / b).ToArray();
            methods.Add(Score("Truth", data, truth.TrueVelocity, trueRatio, truth));
        }

        return new VelocityComparison(data, fit, methods, dsm);
    }

    private static double[] Ratio(KineticFit fit) => [.. fit.Gamma.Zip(fit.Beta, (gm, b) => gm / b)];

    /// <summary>Projects and scores one velocity.</summary>
    /// <param name="method">Its name.</param>
    /// <param name="data">The data set.</param>
    /// <param name="velocity">Velocity [N, G].</param>
    /// <param name="gammaOverBeta">γ/β per gene, or null.</param>
    /// <param name="truth">The simulation, or null.</param>
    public static MethodResult Score(string method, VelocityData data, double[,] velocity, double[]? gammaOverBeta,
        SimulatedLineage? truth)
    {
        ArgumentNullException.ThrowIfNull(data);
        var embedded = VelocityEmbedding.Project(data, velocity);
        var (cbdir, perEdge) = VelocityMetrics.CrossBoundaryCorrectness(data, embedded);
        TruthComparison? comparison = null;
        if (truth is not null)
        {
            var (cos, sign) = VelocityMetrics.AgreementWithTruth(velocity, truth.TrueVelocity);
            var (corr, median) = gammaOverBeta is null
                ? (double.NaN, double.NaN)
                : VelocityMetrics.RateRecovery(gammaOverBeta, truth.Gamma.Zip(truth.Beta, (gm, b) => gm / b).ToArray());
            comparison = new TruthComparison(cos, sign, corr, median);
        }

        return new MethodResult(method, velocity, embedded, cbdir, perEdge, VelocityMetrics.Coherence(data, velocity),
            gammaOverBeta, comparison);
    }
}
