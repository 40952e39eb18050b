namespace FluxMatching.Interactive.Magic;

using FluxMatching.Data;
using Microsoft.DotNet.Interactive.CSharp;

/// <summary>The user-data options of <c>#!flux new</c>: <c>--data</c>, <c>--holdout X</c>, <c>--no-standardize</c>.</summary>
internal static class UserDataArguments
{
    /// <summary>The prepared user data set, or null for a built-in data set (then no user-data option may be given).</summary>
    public static UserData? Build(FluxArguments args, CSharpKernel? csharp)
    {
        var value = args.Value("--data");
        var source = value is null ? null : DataArgument.Resolve(value, csharp, args.Prefix);
        if (source is null)
        {
            if (args.Has("--holdout") || args.Has("--no-standardize"))
            {
                throw new FluxUsageException($"{args.Prefix}: --holdout and --no-standardize apply to your own data (--data VARIABLE or --data file.csv|file.npy), not to the built-in '{value ?? "ring"}'.");
            }

            return null;
        }
        var options = new UserDataOptions
        {
            Holdout = args.Double("--holdout", 0, v => v >= 0 && v < 1, "a fraction in [0, 1)"),
            Standardize = !args.Has("--no-standardize"),
            Seed = args.Long("--seed", 0),
        };
        return new UserData(source, options);
    }
}
