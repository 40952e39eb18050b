namespace FluxMatching.Interactive.Tests.Runtime;

using System.Reflection;
using System.Runtime.Loader;
using FluxMatching.Interactive.Runtime;

public sealed class NativeBackendTests
{
    [Fact]
    public void The_package_folder_is_found_only_for_a_nuget_layout()
    {
        var root = Path.Combine(Path.GetTempPath(), "pkgs");
        Assert.Equal(root, NativeBackend.PackagesRoot(Path.Combine(root, "torchsharp", "0.107.0", "lib", "net8.0", "TorchSharp.dll")));
        Assert.Null(NativeBackend.PackagesRoot(Path.Combine(root, "bin", "Debug", "net10.0", "TorchSharp.dll")));
    }

    [Fact]
    public void Tests_run_from_build_output_so_the_guard_leaves_loading_to_deps_json_and_torch_works()
    {
        Assert.Null(NativeBackend.PackagesRoot());
        Assert.True(NativeBackend.Guard());
        var info = NativeBackend.Probe();
        Assert.True(info.Loaded, info.Message);
        Assert.Equal("cpu", info.Backend);
    }

    [Fact]
    public void The_fsharp_core_resolver_answers_any_fsharp_core_version_with_the_one_available()
    {
        var asked = new AssemblyName("FSharp.Core, Version=99.0.0.0");
        var found = FSharpCoreResolver.Resolve(AssemblyLoadContext.Default, asked);
        Assert.NotNull(found);
        Assert.Equal("FSharp.Core", found.GetName().Name);
        Assert.Null(FSharpCoreResolver.Resolve(AssemblyLoadContext.Default, new AssemblyName("Some.Other")));
    }
}
