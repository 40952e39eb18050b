namespace FluxMatching.Interactive.Runtime;

/// <summary>What the extension found out about TorchSharp's native backend in this kernel.</summary>
/// <param name="Loaded">True when libtorch is loaded and works.</param>
/// <param name="Backend">"cpu" or "cuda" (the libtorch package found), or null when none was found.</param>
/// <param name="Device">The device models use by default: "cpu", or "cuda" when a GPU is usable.</param>
/// <param name="Message">One sentence for the user: what was found, or which <c>#r</c> line to add.</param>
/// <param name="Actions">What the load guard did (patched files, preloaded libraries), for diagnostics.</param>
public sealed record BackendInfo(bool Loaded, string? Backend, string Device, string Message, IReadOnlyList<string> Actions);
