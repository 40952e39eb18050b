namespace FluxMatching.Reference;

/// <summary>
/// Replays reference fixtures (float64, recorded draws) through this port and reports the relative error of every
/// expected quantity: per-sample losses, their means, t, every field layer's weight and bias gradient, the
/// proposal's rate, log-density, REINFORCE mean and gradients, the normaliser's value and gradients.
/// The project's bar is <see cref="Tolerance"/> (the CLI's <c>flux verify-reference</c> exits 0 only if every
/// quantity of every file meets it). U-Net fixtures (the authors' image model, float64 and float32) are replayed by
/// <see cref="VerifyUNet"/> against their own tolerance.
/// </summary>
public static class ReferenceVerifier
{
    /// <summary>The relative-error bar for float64 replays: 1e-9.</summary>
    public const double Tolerance = 1e-9;

    /// <summary>Replays each fixture file; a file that cannot be read or replayed yields a report with an error.
    /// </summary>
    /// <param name="paths">Fixture JSON files.</param>
    public static IReadOnlyList<FixtureReport> Verify(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var reports = new List<FixtureReport>();
        foreach (var path in paths)
        {
            if (UNetFixture.IsUNetFixture(path))
            {
                reports.Add(VerifyUNet(path));
                continue;
            }

            ReferenceFixture fixture;
            try
            {
                string json = File.ReadAllText(path);
                if (GeneLocalFixture.IsGeneLocal(json))
                {
                    reports.Add(Verify(GeneLocalFixture.Parse(json, path)));
                    continue;
                }

                fixture = ReferenceFixture.Parse(json, path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException
                                          or System.Text.Json.JsonException or InvalidOperationException
                                          or ArgumentException)
            {
                reports.Add(new FixtureReport(path, Path.GetFileNameWithoutExtension(path), "", [], [], e.Message));
                continue;
            }

            reports.Add(Verify(fixture));
        }

        return reports;
    }

    /// <summary>Replays one U-Net fixture (JSON beside its .weights.pt and .expected.pt); its own tolerance applies.
    /// </summary>
    /// <param name="path">The fixture's JSON file.</param>
    public static FixtureReport VerifyUNet(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            return UNetFixtureReplay.Run(UNetFixture.Load(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException
                                      or System.Text.Json.JsonException or InvalidOperationException
                                      or ArgumentException or InvalidDataException
                                      or System.Runtime.InteropServices.ExternalException)
        {
            return new FixtureReport(path, Path.GetFileNameWithoutExtension(path), "unet", [], [], e.Message);
        }
    }

    /// <summary>Replays one gene-local (exp2 RNA-velocity) fixture: the loss and the five parameter gradients.</summary>
    /// <param name="fixture">The fixture.</param>
    public static FixtureReport Verify(GeneLocalFixture fixture)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        Dictionary<string, double[]> got;
        try
        {
            got = GeneLocalReplay.Run(fixture);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException
                                      or System.Runtime.InteropServices.ExternalException)
        {
            return new FixtureReport(fixture.Path, fixture.Name, GeneLocalFixture.KindName, [], [], e.Message);
        }

        return Compare(fixture.Path, fixture.Name, GeneLocalFixture.KindName, fixture.Expected, got);
    }

    /// <summary>Replays one parsed fixture.</summary>
    /// <param name="fixture">The fixture.</param>
    public static FixtureReport Verify(ReferenceFixture fixture)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        Dictionary<string, double[]> got;
        try
        {
            got = FixtureReplay.Run(fixture);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException
                                      or System.Runtime.InteropServices.ExternalException)
        {
            return new FixtureReport(fixture.Path, fixture.Name, fixture.Kind, [], [], e.Message);
        }

        return Compare(fixture.Path, fixture.Name, fixture.Kind, fixture.Expected, got);
    }

    private static FixtureReport Compare(string path, string name, string kind,
        IReadOnlyDictionary<string, double[]> expected, Dictionary<string, double[]> got)
    {
        var quantities = new List<FixtureQuantity>();
        var skipped = new List<string>();
        foreach (var (quantity, want) in expected)
        {
            if (got.TryGetValue(quantity, out var value))
            {
                quantities.Add(new FixtureQuantity(quantity, RelativeError(want, value), want.Length));
            }
            else
            {
                skipped.Add(quantity);
            }
        }

        return new FixtureReport(path, name, kind, quantities, skipped, null);
    }

    /// <summary>‖got − want‖₂ / ‖want‖₂; ‖got − want‖₂ when want is all zeros; +∞ on a length mismatch or NaN.</summary>
    /// <param name="want">Expected values.</param>
    /// <param name="got">Computed values.</param>
    public static double RelativeError(IReadOnlyList<double> want, IReadOnlyList<double> got)
    {
        ArgumentNullException.ThrowIfNull(want);
        ArgumentNullException.ThrowIfNull(got);
        if (want.Count != got.Count)
        {
            return double.PositiveInfinity;
        }

        double num = 0, den = 0;
        for (int i = 0; i < want.Count; i++)
        {
            double d = got[i] - want[i];
            num += d * d;
            den += want[i] * want[i];
        }

        double error = den > 0 ? Math.Sqrt(num / den) : Math.Sqrt(num);
        return double.IsNaN(error) ? double.PositiveInfinity : error;
    }
}
