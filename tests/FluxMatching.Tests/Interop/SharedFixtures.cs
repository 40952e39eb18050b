namespace FluxMatching.Tests.Interop;

/// <summary>The authors' fixtures beside the repository (<c>../shared/fixtures</c>), found by walking up from the
/// test binaries to the solution directory.</summary>
public static class SharedFixtures
{
    /// <summary>The <c>../shared/fixtures/unet</c> directory, or null when it is not there.</summary>
    public static string? UNetDirectory { get; } = Find("unet");

    private static string? Find(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FluxNotebooks.sln")))
            {
                var path = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "fixtures", name));
                return Directory.Exists(path) ? path : null;
            }
        }

        return null;
    }
}

/// <summary>A fact that needs <c>../shared/fixtures/unet</c> and is skipped, saying so, when it is absent.</summary>
public sealed class UNetFixtureFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when the fixtures are missing.</summary>
    public UNetFixtureFactAttribute()
    {
        if (SharedFixtures.UNetDirectory is null)
        {
            Skip = "../shared/fixtures/unet is not beside the repository (the authors' U-Net fixtures).";
        }
    }
}
