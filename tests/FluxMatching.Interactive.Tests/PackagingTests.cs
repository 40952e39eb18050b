namespace FluxMatching.Interactive.Tests;

using System.Xml.Linq;

public sealed class PackagingTests
{
    [Fact]
    public void The_extension_does_not_depend_on_assemblies_whose_version_differs_in_notebook_kernels()
    {
        // Compiled against NuGet's newer patches (the registry serves a newer patch of a few transitive packages), these resolve in tests but not inside the kernel,
        // which ships its own copies: Microsoft.AspNetCore.Html.Abstractions 2.3.13 failed to load in dotnet-repl.
        var referenced = typeof(KernelExtension).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();
        Assert.DoesNotContain("Microsoft.AspNetCore.Html.Abstractions", referenced);
        Assert.DoesNotContain("System.Reactive", referenced);
        Assert.Contains("FluxMatching.Plotting", referenced);
    }

    [Fact]
    public void Extension_dib_calls_load_on_the_root_kernel_without_usings()
    {
        var dib = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "extension.dib"));
        Assert.Contains("#!csharp", dib);
        Assert.Contains("FluxMatching.Interactive.KernelExtension.Load(Microsoft.DotNet.Interactive.KernelInvocationContext.Current.HandlingKernel.RootKernel);", dib);
        Assert.DoesNotContain("using ", dib);
    }

    [Fact]
    public void The_project_packs_the_dib_as_an_interactive_extension_and_keeps_the_kernel_packages_private()
    {
        var project = XDocument.Load(Path.Combine(RepoRoot(), "src", "FluxMatching.Interactive", "FluxMatching.Interactive.csproj"));
        var items = project.Descendants().ToList();
        Assert.Contains(items, e => e.Name.LocalName == "None" && (string?)e.Attribute("Include") == "extension.dib"
                                    && (string?)e.Attribute("PackagePath") == "interactive-extensions/dotnet");
        foreach (var id in new[] { "Microsoft.DotNet.Interactive", "Microsoft.DotNet.Interactive.CSharp" })
        {
            Assert.Contains(items, e => e.Name.LocalName == "PackageReference" && (string?)e.Attribute("Include") == id
                                        && (string?)e.Attribute("PrivateAssets") == "all");
        }
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FluxNotebooks.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("FluxNotebooks.sln not found above the test output.");
    }
}
