// The tests build models whose initialization draws from torch's process-wide generator (FluxModel seeds it), so two
// test classes running at once would interleave their draws and compare differently initialized replicas.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
