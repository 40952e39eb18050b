namespace FluxMatching.Interactive.Tests;

using FluxMatching.Models;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Events;

/// <summary>An in-process notebook: a composite kernel with C#, the assemblies a notebook #r's, and the extension loaded
/// through the packaged extension.dib.</summary>
internal sealed class NotebookKernel : IDisposable
{
    private NotebookKernel(CompositeKernel kernel) => Kernel = kernel;

    public CompositeKernel Kernel { get; }

    public static async Task<NotebookKernel> StartAsync()
    {
        var csharp = new CSharpKernel().UseKernelHelpers().UseValueSharing();
        csharp.AddAssemblyReferences(
        [
            typeof(KernelExtension).Assembly.Location,
            typeof(FluxModel).Assembly.Location,
            typeof(TorchSharp.torch).Assembly.Location,
            typeof(Plotly.NET.GenericChart).Assembly.Location,
            typeof(Plotly.NET.CSharp.Chart).Assembly.Location,
        ]);
        var kernel = new CompositeKernel { csharp };
        kernel.DefaultKernelName = "csharp";
        var notebook = new NotebookKernel(kernel);
        var events = await notebook.LoadExtensionAsync();
        Assert.Empty(events.OfType<CommandFailed>());
        return notebook;
    }

    /// <summary>Runs the packaged extension.dib (what #r does in a notebook) and returns the events it produced.</summary>
    public async Task<IReadOnlyList<KernelEvent>> LoadExtensionAsync()
    {
        var events = new List<KernelEvent>();
        using (Kernel.KernelEvents.Subscribe(e => { lock (events) { events.Add(e); } }))
        {
            await Kernel.LoadAndRunInteractiveDocument(new FileInfo(Path.Combine(AppContext.BaseDirectory, "extension.dib")));
        }

        lock (events)
        {
            return events.ToList();
        }
    }

    public Task<KernelCommandResult> RunAsync(string code) => Kernel.SubmitCodeAsync(code);

    /// <summary>Runs code that must succeed and returns its result.</summary>
    public async Task<KernelCommandResult> OkAsync(string code)
    {
        var result = await RunAsync(code);
        var failure = result.Events.OfType<CommandFailed>().FirstOrDefault();
        Assert.True(failure is null, $"'{code}' failed: {failure?.Message}");
        return result;
    }

    /// <summary>Runs code that must fail with exactly one message and returns that message.</summary>
    public async Task<string> FailAsync(string code)
    {
        var result = await RunAsync(code);
        var failures = result.Events.OfType<CommandFailed>().ToList();
        Assert.True(failures.Count == 1, $"'{code}' should fail once, events: {string.Join(", ", result.Events.Select(e => e.GetType().Name))}");
        var message = failures[0].Message;
        Assert.DoesNotContain("   at ", message);           // no stack trace
        Assert.Null(failures[0].Exception);
        return message;
    }

    /// <summary>The value of a C# expression.</summary>
    public async Task<T> ValueAsync<T>(string expression)
    {
        var result = await OkAsync(expression);
        return Assert.IsType<T>(result.Events.OfType<ReturnValueProduced>().Single().Value);
    }

    public static string Html(KernelCommandResult result) => Html(result.Events);

    public static string Html(IEnumerable<KernelEvent> events) => string.Join("\n", events.OfType<DisplayEvent>()
        .SelectMany(e => e.FormattedValues).Where(v => v.MimeType == "text/html").Select(v => v.Value));

    public FluxModel Model(string name)
    {
        var csharp = Kernel.ChildKernels.OfType<CSharpKernel>().Single();
        Assert.True(csharp.TryGetValue<FluxModel>(name, out var model), $"no C# variable {name}");
        return model;
    }

    public void Dispose() => Kernel.Dispose();
}
