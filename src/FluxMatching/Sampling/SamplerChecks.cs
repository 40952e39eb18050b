namespace FluxMatching.Sampling;

using FluxMatching.Fields;
using static TorchSharp.torch;

/// <summary>Argument checks shared by the samplers.</summary>
internal static class SamplerChecks
{
    /// <summary>Checks that <paramref name="initial"/> is [N, D] float32/float64 with D = field.Dimension.</summary>
    public static void Initial(IVectorField field, Tensor initial)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(initial);
        if (initial.dim() != 2 || initial.shape[0] < 1 || initial.shape[1] != field.Dimension)
        {
            throw new ArgumentException(
                $"initial has shape [{string.Join(", ", initial.shape)}]; expected [N, {field.Dimension}] with N ≥ 1.",
                nameof(initial));
        }

        if (initial.dtype is not (ScalarType.Float32 or ScalarType.Float64))
        {
            throw new ArgumentException($"initial has dtype {initial.dtype}; allowed: Float32 or Float64.", nameof(initial));
        }
    }

    /// <summary>Checks the requested chain count and dtype.</summary>
    public static void Count(int n, ScalarType dtype)
    {
        if (n < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, "The number of chains n must be ≥ 1.");
        }

        if (dtype is not (ScalarType.Float32 or ScalarType.Float64))
        {
            throw new ArgumentException($"dtype is {dtype}; allowed: Float32 or Float64.", nameof(dtype));
        }
    }

    /// <summary>Checks that a drift evaluation kept the state's shape.</summary>
    public static void Drift(Tensor f, Tensor x)
    {
        if (!f.shape.SequenceEqual(x.shape))
        {
            throw new InvalidOperationException(
                $"The field returned shape [{string.Join(", ", f.shape)}] for points of shape [{string.Join(", ", x.shape)}].");
        }
    }

    /// <summary>Checks a σ range 0 &lt; σ_min &lt; σ_max (finite), naming the options.</summary>
    public static void Levels(double sigmaMin, double sigmaMax)
    {
        if (!double.IsFinite(sigmaMin) || sigmaMin <= 0)
        {
            throw new ArgumentOutOfRangeException("options.SigmaMin", sigmaMin, "SigmaMin must be finite and > 0.");
        }

        if (!double.IsFinite(sigmaMax) || sigmaMax <= sigmaMin)
        {
            throw new ArgumentOutOfRangeException("options.SigmaMax", sigmaMax, $"SigmaMax must be finite and > SigmaMin = {sigmaMin}.");
        }
    }

    /// <summary>Checks a RecordEvery setting (≥ 0).</summary>
    public static void Record(int recordEvery)
    {
        if (recordEvery < 0)
        {
            throw new ArgumentOutOfRangeException("options.RecordEvery", recordEvery, "RecordEvery must be ≥ 0 (0: no trajectory).");
        }
    }

    /// <summary>n + 1 noise levels log-spaced from <paramref name="sigmaMax"/> down to <paramref name="sigmaMin"/>, both
    /// ends exact.</summary>
    public static double[] LogSpaced(double sigmaMax, double sigmaMin, int n)
    {
        double logMax = Math.Log(sigmaMax), logMin = Math.Log(sigmaMin);
        var sigmas = new double[n + 1];
        for (int i = 0; i <= n; i++)
        {
            sigmas[i] = Math.Exp(logMax + ((logMin - logMax) * i / n));
        }

        sigmas[0] = sigmaMax;
        sigmas[n] = sigmaMin;
        return sigmas;
    }

    /// <summary>Runs <paramref name="run"/> from start points σ_max·N(0, I) [n, D] (<see cref="Prior"/>) and returns its
    /// result with the samples and trajectory outliving the run's temporaries.</summary>
    public static SampleResult FromPrior(IVectorField field, int n, double sigmaMax, TorchSharp.torch.Generator? generator,
        Device? device, ScalarType? dtype, Func<Tensor, SampleResult> run)
    {
        using var scope = NewDisposeScope();
        var result = run(Prior(field, n, sigmaMax, generator, device, dtype));
        result.Samples.MoveToOuterDisposeScope();
        result.Trajectory?.MoveToOuterDisposeScope();
        return result;
    }

    /// <summary>Start points σ_max·N(0, I) [n, D] on the given device and dtype (the field's by default).</summary>
    public static Tensor Prior(IVectorField field, int n, double sigmaMax, TorchSharp.torch.Generator? generator, Device? device, ScalarType? dtype)
    {
        ArgumentNullException.ThrowIfNull(field);
        var type = dtype ?? field.DType;
        Count(n, type);
        return FluxMatching.Data.RandomDraws.Randn([n, field.Dimension], type, device ?? field.Device, generator)
            .mul_(FluxMatching.Runtime.Scalars.Shared(sigmaMax));
    }

    /// <summary>Checks rtol and atol (finite, &gt; 0), naming the options.</summary>
    public static void Tolerances(double rtol, double atol)
    {
        if (!double.IsFinite(rtol) || rtol <= 0)
        {
            throw new ArgumentOutOfRangeException("options.Rtol", rtol, "Rtol must be finite and > 0.");
        }

        if (!double.IsFinite(atol) || atol <= 0)
        {
            throw new ArgumentOutOfRangeException("options.Atol", atol, "Atol must be finite and > 0.");
        }
    }
}
