namespace FluxMatching.Interactive;

using System.Runtime.CompilerServices;
using FluxMatching.Interactive.Formatters;
using FluxMatching.Interactive.Html;
using FluxMatching.Interactive.Magic;
using FluxMatching.Interactive.Runtime;
using FluxMatching.Interactive.Session;
using FluxMatching.Plotting;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Formatting;

/// <summary>
/// Entry point of the notebook extension; <c>extension.dib</c> calls <see cref="Load"/> when a notebook references
/// the FluxMatching.Interactive package.
/// </summary>
public static class KernelExtension
{
    /// <summary>
    /// Sets up a kernel for FluxMatching: first the FSharp.Core resolver (so Plotly.NET loads in kernels that ship an
    /// older FSharp.Core) and the guard for TorchSharp's native load (GLIBCXX patch, libtorch preload), then the HTML
    /// formatters, the <c>#!flux</c> magic command and a short message naming the backend found. Idempotent per kernel.
    /// </summary>
    /// <param name="kernel">The root kernel (a <see cref="CompositeKernel"/> in notebooks).</param>
    public static void Load(Kernel kernel)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        FSharpCoreResolver.Install();          // before any Plotly-typed method is compiled
        NativeBackend.Guard();                 // before anything loads libtorch
        Register(kernel);
    }

    /// <summary>Everything that mentions Plotly.NET or TorchSharp types; compiled only after the guards above ran.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Register(Kernel kernel)
    {
        var session = NotebookSession.Attach(kernel, out bool created);
        NotebookFormatters.Register();
        if (created)
        {
            new FluxMagic(session).Register(kernel);
            kernel.AddMiddleware(async (command, context, next) =>
            {
                if (command is SubmitCode)
                {
                    NativeBackend.Guard();   // a backend referenced in a later cell
                }

                NotebookFormatters.EnsureChartFormatter();
                await next(command, context);
                // Plotly.NET.Interactive registers its CDN chart formatter when a #r loads it, possibly after us.
                NotebookFormatters.EnsureChartFormatter();
            });
        }
        if (KernelInvocationContext.Current is { } context)
        {
            context.DisplayAs(Greeting(NativeBackend.Probe()), HtmlFormatter.MimeType);
        }
    }

    /// <summary>The load message: what was added, and the backend found or the <c>#r</c> line to add.</summary>
    internal static string Greeting(BackendInfo backend)
    {
        var (mark, color) = backend.Loaded ? ("✔", "#2b8a3e") : ("✘", "#c92a2a");
        var status = $"<span style=\"color:{color}\">{mark}</span> {HtmlText.Encode(backend.Message)}";
        return "<div class=\"flux-loaded\"><b>FluxMatching.Interactive</b> loaded: the <code>#!flux</code> magic command " +
               "(<code>new</code>, <code>train</code>, <code>sample</code>, <code>plot</code>, <code>info</code>, <code>save</code>, " +
               "<code>load</code>) and offline charts.<br/>" + status + "</div>";
    }
}
