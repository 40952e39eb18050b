// The commands write to the process's Console, which the tests redirect: one test at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
