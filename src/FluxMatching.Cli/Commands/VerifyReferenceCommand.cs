namespace FluxMatching.Cli.Commands;

using System.CommandLine;
using System.Globalization;
using FluxMatching.Reference;

/// <summary>`flux verify-reference`: replays reference-loss fixtures and the authors' U-Net fixtures and prints the
/// relative error of every compared quantity; exit code 0 only when all are within tolerance (1e-9, or a U-Net
/// fixture's own: 1e-9 in float64, 1e-4 in float32; --tolerance overrides both).</summary>
internal static class VerifyReferenceCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("files") { Description = "Fixture JSON files: the authors' reference-loss fixtures, gene-local RNA-velocity fixtures (kind gene_local_flux_matching_loss), or U-Net fixtures (NAME.json beside NAME.weights.pt and NAME.expected.pt).", Arity = ArgumentArity.OneOrMore };
        var tolerance = new Option<double?>("--tolerance") { Description = "Relative tolerance for every file (default: 1e-9, or a U-Net fixture's own)." };
        var cmd = new Command("verify-reference", "Replay the authors' fixtures (losses, gene-local RNA-velocity losses, U-Net outputs) and compare values and gradients.") { files, tolerance };
        cmd.SetAction(r => CliOptions.Guard(() =>
        {
            double? given = r.GetValue(tolerance);
            var reports = ReferenceVerifier.Verify(r.GetValue(files)!);
            int failures = 0;
            foreach (var report in reports)
            {
                double tol = given ?? report.Tolerance ?? ReferenceVerifier.Tolerance;
                bool ok = report.Passes(tol);
                if (!ok)
                {
                    failures++;
                }

                Console.WriteLine($"{(ok ? "PASS" : "FAIL")} {report.Path} [{report.Kind}] max relative error {Fmt(report.MaxRelativeError)}");
                if (report.Error is not null)
                {
                    Console.WriteLine($"    error: {report.Error}");
                }

                foreach (var q in report.Quantities)
                {
                    Console.WriteLine($"    {q.Name,-48} {Fmt(q.RelativeError)}  ({q.Count} values){(q.RelativeError <= tol ? "" : "  > tolerance")}");
                }

                foreach (var s in report.Skipped)
                {
                    Console.WriteLine($"    not compared: {s}");
                }
            }
            Console.WriteLine($"{reports.Count - failures} of {reports.Count} fixture files within tolerance");
            return failures == 0 ? 0 : 1;
        }));
        return cmd;
    }

    private static string Fmt(double v) => v.ToString("0.00e+00", CultureInfo.InvariantCulture);
}
