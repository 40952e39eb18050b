namespace FluxMatching.Distributed.Tests.Support;

/// <summary>A fact that is skipped, with the reason, where MPICH is not installed.</summary>
public sealed class MpiFactAttribute : FactAttribute
{
    public MpiFactAttribute()
    {
        if (MpiLauncher.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
