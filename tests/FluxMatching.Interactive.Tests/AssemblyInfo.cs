// Formatter registrations and the extension's session are process-wide: run the tests one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
