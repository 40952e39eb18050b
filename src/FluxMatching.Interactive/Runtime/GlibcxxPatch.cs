namespace FluxMatching.Interactive.Runtime;

using System.Buffers.Binary;
using System.Text;

/// <summary>
/// Makes TorchSharp's native shim load where the system libstdc++ predates GCC 13 (Debian 12).
/// libLibTorchSharp.so (TorchSharp 0.107.0) requires GLIBCXX_3.4.32 for one marker symbol that nothing relocates
/// against; this marks the GLIBCXX_3.4.31–3.4.33 entries of its ELF version-requirement section (.gnu.version_r)
/// weak (VER_FLG_WEAK), so the loader accepts an older libstdc++. The C# port of tools/weaken-glibcxx.py:
/// two bytes per entry, idempotent, written through a temporary file and an atomic rename.
/// </summary>
internal static class GlibcxxPatch
{
    /// <summary>The version requirements made weak.</summary>
    public static readonly IReadOnlySet<string> WeakenedVersions =
        new HashSet<string> { "GLIBCXX_3.4.31", "GLIBCXX_3.4.32", "GLIBCXX_3.4.33" };

    private const uint ShtGnuVerneed = 0x6FFFFFFE;
    private const ushort VerFlgWeak = 0x2;

    /// <summary>Where a Linux distribution keeps libstdc++.so.6.</summary>
    internal static readonly string[] LibStdCxxFolders =
        ["/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib"];

    /// <summary>
    /// True when a system libstdc++.so.6 defines GLIBCXX_3.4.32 (GCC ≥ 13), so no patch is needed.
    /// </summary>
    /// <param name="folders">Folders to search (null: <see cref="LibStdCxxFolders"/>).</param>
    public static bool SystemHasGlibcxx3432(IEnumerable<string>? folders = null)
    {
        var marker = Encoding.ASCII.GetBytes("GLIBCXX_3.4.32\0");
        foreach (var folder in folders ?? LibStdCxxFolders)
        {
            if (!Directory.Exists(folder))
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(folder, "libstdc++.so.6*"))
            {
                try
                {
                    if (File.ReadAllBytes(file).AsSpan().IndexOf(marker) >= 0)
                    {
                        return true;
                    }
                }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
            }
        }
        return false;
    }

    /// <summary>
    /// Marks the GLIBCXX_3.4.31–33 requirements of an ELF shared library weak, in place.
    /// </summary>
    /// <param name="path">The library (a 64-bit little-endian ELF file).</param>
    /// <returns>The number of entries changed: 0 when they were weak already (or absent).</returns>
    /// <exception cref="InvalidDataException">The file is not a 64-bit little-endian ELF file.</exception>
    public static int WeakenFile(string path)
    {
        var data = File.ReadAllBytes(path);
        int changed = Weaken(data, path);
        if (changed == 0)
        {
            return 0;
        }

        var tmp = path + ".weaken.tmp-" + Environment.ProcessId;
        try
        {
            File.WriteAllBytes(tmp, data);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(tmp, File.GetUnixFileMode(path));
            }

            File.Move(tmp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp))
            {
                File.Delete(tmp);
            }
        }
        return changed;
    }

    /// <summary>Marks the entries weak in an in-memory copy of the file.</summary>
    /// <param name="data">The ELF image, modified in place.</param>
    /// <param name="what">Name used in error messages.</param>
    /// <returns>The number of entries changed.</returns>
    public static int Weaken(byte[] data, string what = "data")
    {
        int changed = 0;
        foreach (var need in ReadVersionNeeds(data, what))
        {
            if (!WeakenedVersions.Contains(need.Name) || (need.Flags & VerFlgWeak) != 0)
            {
                continue;
            }

            BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(need.FlagsOffset), (ushort)(need.Flags | VerFlgWeak));
            changed++;
        }
        return changed;
    }

    /// <summary>Lists the version requirements (Vernaux entries) of an ELF image.</summary>
    /// <param name="data">The ELF image.</param>
    /// <param name="what">Name used in error messages.</param>
    /// <exception cref="InvalidDataException">Not a 64-bit little-endian ELF file, or a truncated one.</exception>
    public static IReadOnlyList<VersionNeed> ReadVersionNeeds(byte[] data, string what = "data")
    {
        if (data.Length < 0x40 || data[0] != 0x7F || data[1] != (byte)'E' || data[2] != (byte)'L' || data[3] != (byte)'F'
            || data[4] != 2 || data[5] != 1)
        {
            throw new InvalidDataException($"{what}: not a 64-bit little-endian ELF file.");
        }

        try
        {
            var span = data.AsSpan();
            long shoff = (long)BinaryPrimitives.ReadUInt64LittleEndian(span[0x28..]);
            int shentsize = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3A..]);
            int shnum = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3C..]);
            var needs = new List<VersionNeed>();
            for (int i = 0; i < shnum; i++)
            {
                var sh = span[(int)(shoff + (long)i * shentsize)..];
                if (BinaryPrimitives.ReadUInt32LittleEndian(sh[4..]) != ShtGnuVerneed)
                {
                    continue;
                }

                long offset = (long)BinaryPrimitives.ReadUInt64LittleEndian(sh[0x18..]);
                int link = (int)BinaryPrimitives.ReadUInt32LittleEndian(sh[0x28..]);
                int count = (int)BinaryPrimitives.ReadUInt32LittleEndian(sh[0x2C..]);
                var strtabHeader = span[(int)(shoff + (long)link * shentsize)..];
                long strtab = (long)BinaryPrimitives.ReadUInt64LittleEndian(strtabHeader[0x18..]);
                ReadVerneedChain(span, offset, count, strtab, needs);
            }
            return needs;
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new InvalidDataException($"{what}: truncated or corrupt ELF section table.", e);
        }
    }

    private static void ReadVerneedChain(Span<byte> span, long offset, int count, long strtab, List<VersionNeed> needs)
    {
        for (int n = 0; n < count; n++)
        {
            var vn = span[(int)offset..];
            int auxCount = BinaryPrimitives.ReadUInt16LittleEndian(vn[2..]);
            long aux = offset + BinaryPrimitives.ReadUInt32LittleEndian(vn[8..]);
            for (int a = 0; a < auxCount; a++)
            {
                var vna = span[(int)aux..];
                ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(vna[4..]);
                long nameOffset = strtab + BinaryPrimitives.ReadUInt32LittleEndian(vna[8..]);
                var rest = span[(int)nameOffset..];
                int end = rest.IndexOf((byte)0);
                needs.Add(new VersionNeed(Encoding.ASCII.GetString(rest[..end]), flags, (int)aux + 4));
                aux += BinaryPrimitives.ReadUInt32LittleEndian(vna[12..]);
            }
            offset += BinaryPrimitives.ReadUInt32LittleEndian(vn[12..]);
        }
    }
}

/// <summary>One ELF version requirement (a Vernaux entry of .gnu.version_r).</summary>
/// <param name="Name">Version name, e.g. "GLIBCXX_3.4.32".</param>
/// <param name="Flags">vna_flags (0x2 = VER_FLG_WEAK).</param>
/// <param name="FlagsOffset">File offset of vna_flags.</param>
internal sealed record VersionNeed(string Name, ushort Flags, int FlagsOffset);
