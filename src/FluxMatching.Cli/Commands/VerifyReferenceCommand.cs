namespace FluxMatching.Cli.Commands;

using System.CommandLine;
using System.Globalization;
using FluxMatching.Reference;

/// <summary>`flux verify-reference`: replays reference-loss fixtures and prints the relative error of every
/// compared quantity; exit code 0 only when all are ≤ 1e-9.</summary>
internal static class VerifyReferenceCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("files") { Description = "Fixture JSON files (the authors' reference-loss fixtures, or gene-local RNA-velocity fixtures of kind gene_local_flux_matching_loss).", Arity = ArgumentArity.OneOrMore };
        var tolerance = new Option<double>("--tolerance") { Description = "Relative tolerance.", DefaultValueFactory = _ => ReferenceVerifier.Tolerance };
        var cmd = new Command("verify-reference", "Replay reference-loss fixtures in float64 and compare losses and gradients.") { files, tolerance };
        cmd.SetAction(r => CliOptions.Guard(() =>
        {
            double tol = r.GetValue(tolerance);
            var reports = ReferenceVerifier.Verify(r.GetValue(files)!);
            int failures = 0;
            foreach (var report in reports)
            {
                bool ok = report.Passes(tol);
                if (!ok) failures++;
                Console.WriteLine($"{(ok ? "PASS" : "FAIL")} {report.Path} [{report.Kind}] max relative error {Fmt(report.MaxRelativeError)}");
                if (report.Error is not null) Console.WriteLine($"    error: {report.Error}");
                foreach (var q in report.Quantities)
                    Console.WriteLine($"    {q.Name,-48} {Fmt(q.RelativeError)}  ({q.Count} values){(q.RelativeError <= tol ? "" : "  > tolerance")}");
                foreach (var s in report.Skipped) Console.WriteLine($"    not compared: {s}");
            }
            Console.WriteLine($"{reports.Count - failures} of {reports.Count} fixture files within {Fmt(tol)}");
            return failures == 0 ? 0 : 1;
        }));
        return cmd;
    }

    private static string Fmt(double v) => v.ToString("0.00e+00", CultureInfo.InvariantCulture);
}
