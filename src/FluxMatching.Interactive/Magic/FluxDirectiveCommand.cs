namespace FluxMatching.Interactive.Magic;

using Microsoft.DotNet.Interactive.Commands;

/// <summary>
/// The kernel command a <c>#!flux</c> line becomes. It binds no properties on purpose: the handler parses the raw
/// line strictly (<see cref="FluxArguments"/>), so the kernel's lenient binder can never fail or drop words first.
/// </summary>
public sealed class FluxDirectiveCommand : KernelDirectiveCommand
{
}
