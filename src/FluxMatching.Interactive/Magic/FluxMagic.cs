namespace FluxMatching.Interactive.Magic;

using FluxMatching.Interactive.Session;
using FluxMatching.Runtime;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Directives;

/// <summary>
/// The <c>#!flux</c> magic command: declares the directive (for completion and help) and runs its subcommands.
/// Every mistake ends the cell with one message naming what was wrong and what is allowed; models stay intact.
/// </summary>
internal sealed class FluxMagic
{
    private readonly NotebookSession session;

    /// <summary>Creates the command for a session.</summary>
    public FluxMagic(NotebookSession session) => this.session = session;

    /// <summary>Adds <c>#!flux</c> to <paramref name="kernel"/>.</summary>
    public void Register(Kernel kernel) => kernel.AddDirective<FluxDirectiveCommand>(BuildDirective(), HandleAsync);

    /// <summary>The directive tree: one subcommand per <see cref="FluxCommandSet.All"/> entry.</summary>
    internal KernelActionDirective BuildDirective()
    {
        var directive = new KernelActionDirective(FluxCommandSet.DirectiveName)
        {
            Description = "Flux Matching: new, train, sample, plot, info, save, load, drop. Example: #!flux new m --data ring",
        };
        foreach (var spec in FluxCommandSet.All)
        {
            var sub = new KernelActionDirective(spec.Name)
            {
                Description = spec.Description,
                KernelCommandType = typeof(FluxDirectiveCommand),
            };
            if (spec.Positionals.Count > 0)
            {
                var first = spec.Positionals[0];
                var parameter = new KernelDirectiveParameter("--" + first.Name.ToLowerInvariant(), first.Description) { AllowImplicitName = true };
                if (FluxCommandSet.CompletesModelNames(spec, first))
                {
                    parameter.AddCompletions(() => FluxCommandSet.Completions(spec, first, this.session.Models));
                }

                sub.Parameters.Add(parameter);
            }
            foreach (var option in spec.Options)
            {
                var parameter = new KernelDirectiveParameter(option.Name, option.Description) { Flag = option.Kind == OptionKind.Flag };
                if (option.Suggestions is not null)
                {
                    parameter.AddCompletions(() => option.Suggestions ?? []);
                }

                sub.Parameters.Add(parameter);
            }
            directive.Subcommands.Add(sub);
        }
        return directive;
    }

    private async Task HandleAsync(FluxDirectiveCommand command, KernelInvocationContext context)
    {
        string prefix = FluxCommandSet.DirectiveName;
        try
        {
            var args = FluxArguments.Parse(DirectiveText.Of(command), FluxCommandSet.All, CSharpVariable);
            prefix = args.Prefix;
            await DispatchAsync(args, context);
        }
        catch (FluxUsageException e)
        {
            context.Fail(command, null, e.Message);
        }
        catch (Exception e) when (UsageErrors.IsUsageError(e))
        {
            context.Fail(command, null, $"{prefix}: {UsageErrors.OneLine(e)}");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            context.Fail(command, null, $"{prefix} failed: {UsageErrors.OneLine(e)}");
        }
    }

    private object? CSharpVariable(string name) =>
        ModelRegistry.FindCSharpKernel(this.session.Root) is { } cs && cs.TryGetValue<object>(name, out var value) ? value : null;

    private Task DispatchAsync(FluxArguments args, KernelInvocationContext context) => args.Command.Name switch
    {
        "new" => ModelCommands.NewAsync(this.session, args, context),
        "info" => ModelCommands.Info(this.session, args, context),
        "save" => ModelCommands.SaveAsync(this.session, args, context),
        "load" => ModelCommands.LoadAsync(this.session, args, context),
        "drop" => ModelCommands.DropAsync(this.session, args, context),
        "train" => TrainCommand.RunAsync(this.session, args, context),
        "sample" => SampleCommand.RunAsync(this.session, args, context),
        "plot" => PlotCommand.RunAsync(this.session, args, context),
        "plotly" => ModelCommands.Plotly(this.session, context),
        _ => throw new FluxUsageException($"Unknown subcommand '{args.Command.Name}'."),
    };
}
