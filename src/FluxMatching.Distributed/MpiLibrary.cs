namespace FluxMatching.Distributed;

using System.Runtime.InteropServices;

/// <summary>
/// Points MPI.NET's native calls (written for MS-MPI's <c>msmpi.dll</c>) at MPICH's <c>libmpich.so.12</c>, which
/// shares MS-MPI's ABI (integer handles). Open MPI's ABI (pointer handles) does not fit MPI.NET.
/// </summary>
internal static class MpiLibrary
{
    /// <summary>The MPICH library loaded in place of msmpi.dll.</summary>
    public const string Name = "libmpich.so.12";

    private static readonly object Gate = new();
    private static bool mapped;

    /// <summary>Installs the name mapping once per process (before the first MPI call).</summary>
    public static void Map()
    {
        lock (Gate)
        {
            if (mapped)
            {
                return;
            }

            NativeLibrary.SetDllImportResolver(typeof(MPI.Environment).Assembly, (name, assembly, path) =>
                name.Contains("msmpi", StringComparison.OrdinalIgnoreCase) ? Load() : IntPtr.Zero);
            mapped = true;
        }
    }

    private static IntPtr Load()
    {
        if (NativeLibrary.TryLoad(Name, out var handle))
        {
            return handle;
        }

        throw new DllNotFoundException(
            $"MPI is not available: {Name} (MPICH) was not found. Install MPICH (Debian/Ubuntu: apt-get install mpich libmpich-dev) and start with mpiexec.mpich.");
    }
}
