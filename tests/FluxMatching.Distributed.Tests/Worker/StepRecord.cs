namespace FluxMatching.Distributed.Tests.Worker;

/// <summary>What one rank of a scenario saw.</summary>
public sealed record StepRecord(int Rank, int Size, double[] Before, double[] Summed, double[] After, double Loss, long Steps = 0);
