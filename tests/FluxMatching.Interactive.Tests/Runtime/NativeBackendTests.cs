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
    public void A_backend_counts_as_present_only_when_its_native_library_is_restored()
    {
        var root = Directory.CreateTempSubdirectory("packages").FullName;
        try
        {
            Assert.Null(NativeBackend.CpuNativeFolder(root));
            Assert.False(NativeBackend.HasCudaPackage(root));
            var native = Path.Combine(root, "libtorch-cpu-linux-x64", NativeBackend.LibTorchVersion, "runtimes", "linux-x64", "native");
            Directory.CreateDirectory(native);
            Assert.Null(NativeBackend.CpuNativeFolder(root));                 // folder without the library
            File.WriteAllText(Path.Combine(native, "libtorch_cpu.so"), "");
            Assert.Equal(native, NativeBackend.CpuNativeFolder(root));
            Directory.CreateDirectory(Path.Combine(root, "libtorch-cuda-12.8-linux-x64-part1"));
            Assert.True(NativeBackend.HasCudaPackage(root));
            Assert.Null(NativeBackend.CpuNativeFolder(null));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
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
