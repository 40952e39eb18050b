namespace FluxMatching.Interactive.Tests.Runtime;

using System.Buffers.Binary;
using FluxMatching.Interactive.Runtime;

public sealed class GlibcxxPatchTests
{
    private static string TorchSharpShim()
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        return Path.Combine(packages, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
    }

    [Fact]
    public void Marks_the_glibcxx_3_4_32_requirement_weak_once_and_then_changes_nothing()
    {
        var data = File.ReadAllBytes(TorchSharpShim());
        // Undo any earlier patch (the build patches the package copy) so the test starts from the shipped file.
        foreach (var need in GlibcxxPatch.ReadVersionNeeds(data).Where(n => GlibcxxPatch.WeakenedVersions.Contains(n.Name)))
        {
            BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(need.FlagsOffset), (ushort)(need.Flags & ~2));
        }

        Assert.Contains(GlibcxxPatch.ReadVersionNeeds(data), n => n.Name == "GLIBCXX_3.4.32" && (n.Flags & 2) == 0);

        var path = Path.Combine(Path.GetTempPath(), $"shim-{Guid.NewGuid():N}.so");
        try
        {
            File.WriteAllBytes(path, data);
            Assert.True(GlibcxxPatch.WeakenFile(path) >= 1);
            var patched = File.ReadAllBytes(path);
            Assert.All(GlibcxxPatch.ReadVersionNeeds(patched).Where(n => GlibcxxPatch.WeakenedVersions.Contains(n.Name)),
                n => Assert.Equal(2, n.Flags & 2));
            Assert.Equal(0, GlibcxxPatch.WeakenFile(path));
            var other = GlibcxxPatch.ReadVersionNeeds(data).Where(n => !GlibcxxPatch.WeakenedVersions.Contains(n.Name)).ToList();
            Assert.NotEmpty(other);
            Assert.Equal(other, GlibcxxPatch.ReadVersionNeeds(patched).Where(n => !GlibcxxPatch.WeakenedVersions.Contains(n.Name)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Rejects_files_that_are_not_64_bit_elf()
    {
        Assert.Throws<InvalidDataException>(() => GlibcxxPatch.Weaken("#!/bin/sh\necho not elf\n"u8.ToArray().Concat(new byte[64]).ToArray()));
        var truncated = File.ReadAllBytes(TorchSharpShim())[..4096];
        Assert.Throws<InvalidDataException>(() => GlibcxxPatch.ReadVersionNeeds(truncated));
    }

    [Fact]
    public void Finds_glibcxx_3_4_32_only_in_a_libstdcxx_that_defines_it()
    {
        var dir = Directory.CreateTempSubdirectory("libstdcxx");
        try
        {
            File.WriteAllBytes(Path.Combine(dir.FullName, "libstdc++.so.6.0.30"), "xx GLIBCXX_3.4.30\0 GLIBCXX_3.4.31\0"u8.ToArray());
            Assert.False(GlibcxxPatch.SystemHasGlibcxx3432([dir.FullName]));
            File.WriteAllBytes(Path.Combine(dir.FullName, "libstdc++.so.6.0.32"), "GLIBCXX_3.4.32\0"u8.ToArray());
            Assert.True(GlibcxxPatch.SystemHasGlibcxx3432([dir.FullName]));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
