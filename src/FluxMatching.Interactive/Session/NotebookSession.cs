namespace FluxMatching.Interactive.Session;

using System.Runtime.CompilerServices;
using FluxMatching.Interactive.Html;
using FluxMatching.Models;
using Microsoft.DotNet.Interactive;

/// <summary>The extension's state for one root kernel: its models and whether plotly.js is on the page yet.</summary>
internal sealed class NotebookSession
{
    private static readonly ConditionalWeakTable<Kernel, NotebookSession> Sessions = new();
    private static NotebookSession? current;

    private NotebookSession(Kernel root)
    {
        Root = root;
        Models = new ModelRegistry(() => ModelRegistry.FindCSharpKernel(root));
    }

    /// <summary>The root kernel.</summary>
    public Kernel Root { get; }

    /// <summary>The session's models.</summary>
    public ModelRegistry Models { get; }

    /// <summary>Offline chart output (plotly.js once, then fragments).</summary>
    public OfflinePlotly Plotly { get; } = new();

    private readonly ConditionalWeakTable<FluxModel, SemaphoreSlim> modelLocks = new();

    /// <summary>
    /// Exclusive use of a model: training holds it until its last step is done, so a command that follows an
    /// interrupted <c>#!flux train</c> waits for the current step instead of racing it.
    /// </summary>
    public async Task<IDisposable> UseAsync(FluxModel model)
    {
        var gate = modelLocks.GetValue(model, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync();
        return new Release(gate);
    }

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        private int done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref this.done, 1) == 0)
            {
                gate.Release();
            }
        }
    }

    /// <summary>The session of the most recently loaded kernel (what formatters use), or null.</summary>
    public static NotebookSession? Current => Volatile.Read(ref NotebookSession.current);

    /// <summary>Returns the session of <paramref name="root"/>, creating it on first use.</summary>
    /// <param name="root">The root kernel.</param>
    /// <param name="created">True when the session is new (the kernel was not set up yet).</param>
    public static NotebookSession Attach(Kernel root, out bool created)
    {
        lock (Sessions)
        {
            created = !Sessions.TryGetValue(root, out var session);
            if (session is null)
            {
                session = new NotebookSession(root);
                Sessions.Add(root, session);
            }
            Volatile.Write(ref NotebookSession.current, session);
            return session;
        }
    }
}
