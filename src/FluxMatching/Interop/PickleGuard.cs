namespace FluxMatching.Interop;

/// <summary>Placeholder.</summary>
internal static class PickleGuard
{
    public static void Check(Stream stream, string source)
    {
    }
}
