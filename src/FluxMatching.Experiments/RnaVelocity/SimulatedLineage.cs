namespace FluxMatching.RnaVelocity;

/// <summary>A simulated lineage with its ground truth (<see cref="SplicingSimulator"/>).</summary>
/// <param name="Data">What a method sees: moments, embedding, clusters, kNN graph, edges.</param>
/// <param name="Unspliced">Normalized unspliced counts [N, G].</param>
/// <param name="Spliced">Normalized spliced counts [N, G].</param>
/// <param name="TrueVelocity">ds/dt = β·u − γ·s at each cell's noise-free state, in count units [N, G].</param>
/// <param name="LatentTime">Each cell's time along its path [N].</param>
/// <param name="Alpha">Transcription rate while a gene is on [G].</param>
/// <param name="Beta">Splicing rate β [G].</param>
/// <param name="Gamma">Degradation rate γ [G].</param>
public sealed record SimulatedLineage(
    VelocityData Data,
    double[,] Unspliced,
    double[,] Spliced,
    double[,] TrueVelocity,
    double[] LatentTime,
    double[] Alpha,
    double[] Beta,
    double[] Gamma);
