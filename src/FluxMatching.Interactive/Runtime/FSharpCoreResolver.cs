namespace FluxMatching.Interactive.Runtime;

using System.Reflection;
using System.Runtime.Loader;

/// <summary>
/// Lets Plotly.NET (built against FSharp.Core 10.1) run in kernels that ship FSharp.Core 10.0: a
/// request for any FSharp.Core version that the default context cannot satisfy is answered with the FSharp.Core the
/// process already has (or can load by simple name). Must be installed before any method that mentions a Plotly.NET
/// type is JIT-compiled.
/// </summary>
internal static class FSharpCoreResolver
{
    private static int installed;

    [ThreadStatic]
    private static bool resolving;

    /// <summary>True once the handler is registered.</summary>
    public static bool IsInstalled => Volatile.Read(ref FSharpCoreResolver.installed) == 1;

    /// <summary>Registers the resolving handler once per process (idempotent).</summary>
    public static void Install()
    {
        if (Interlocked.Exchange(ref FSharpCoreResolver.installed, 1) == 1)
        {
            return;
        }

        AssemblyLoadContext.Default.Resolving += Resolve;
    }

    /// <summary>The handler: returns an FSharp.Core for any FSharp.Core request, else null.</summary>
    internal static Assembly? Resolve(AssemblyLoadContext context, AssemblyName name)
    {
        if (name.Name != "FSharp.Core" || FSharpCoreResolver.resolving)
        {
            return null;
        }

        var loaded = AppDomain.CurrentDomain.GetAssemblies()
            .FirstOrDefault(a => a.GetName().Name == "FSharp.Core");
        if (loaded is not null)
        {
            return loaded;
        }

        try
        {
            FSharpCoreResolver.resolving = true;   // loading by simple name may raise Resolving again: answer that one with null
            return context.LoadFromAssemblyName(new AssemblyName("FSharp.Core"));
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
        {
            return null;
        }
        finally
        {
            FSharpCoreResolver.resolving = false;
        }
    }
}
