namespace FluxMatching.Tests;

using FluxMatching.Tests.Reliability;

/// <summary>Entry point of the test assembly when it runs as a child process: <c>dotnet FluxMatching.Tests.dll
/// checkpoint-writer PATH</c> (see <see cref="CheckpointWriter"/>). The test runner does not use it.</summary>
public static class Program
{
    public static int Main(string[] args) =>
        args is ["checkpoint-writer", var path] ? CheckpointWriter.Run(path) : 2;
}
