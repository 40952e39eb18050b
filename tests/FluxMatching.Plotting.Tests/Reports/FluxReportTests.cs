namespace FluxMatching.Plotting.Tests;

using System.Text.RegularExpressions;

/// <summary>Builds the two-model report once for the tests that only read it.</summary>
public sealed class TwoModelReport
{
    public string Html { get; } = FluxReport.ToHtml(FluxReportTests.TwoModels(trajectory: true));
}

public class FluxReportTests(TwoModelReport report) : IClassFixture<TwoModelReport>
{
    internal static ReportInput TwoModels(bool trajectory = false)
    {
        var data = RingData.Sample(1500, 7);
        var flux = Enumerable.Range(0, 400).Select(i => 20 * Math.Exp(-i / 80.0) + 8 * Math.Sin(i * 1.7)).ToArray();
        var dsm = Enumerable.Range(0, 400).Select(i => 38 + 3 * Math.Exp(-i / 50.0) + Math.Cos(i * 2.3)).ToArray();
        var frames = Enumerable.Range(0, 6).Select(t =>
        {
            var start = RingData.Sample(300, 11, radius: 0.1, width: 1);
            var end = RingData.Sample(300, 12);
            var f = new double[300, 2];
            for (int i = 0; i < 300; i++)
            {
                for (int d = 0; d < 2; d++)
                {
                    f[i, d] = start[i, d] + (end[i, d] - start[i, d]) * t / 5.0;
                }
            }

            return f;
        }).ToList();
        return new ReportInput
        {
            Title = "Ring: Flux vs DSM",
            Notes = "σ² = 0.05, 400 steps, seed 0 (synthetic test data).",
            DataSamples = data,
            Models =
            [
                new ModelReport
                {
                    Name = "Flux", LossHistory = flux, Samples = RingData.Sample(1000, 8), Field = new RingField(swirl: 3),
                    Metrics = new Dictionary<string, double> { ["MMD"] = 0.0123, ["W2"] = 0.21 },
                    Trajectory = trajectory ? frames : null,
                },
                new ModelReport
                {
                    Name = "DSM", LossHistory = dsm, Samples = RingData.Sample(1000, 9), Field = new RingField(swirl: 0),
                    Metrics = new Dictionary<string, double> { ["MMD"] = 0.0456 },
                },
            ],
        };
    }

    [Fact]
    public void Report_contains_every_section_the_metrics_and_plotly_once()
    {
        var html = report.Html;
        foreach (var id in FluxReport.SectionIds)
        {
            Assert.Contains($"<section id=\"{id}\">", html);
        }

        Assert.Contains("<h2>Flux beside DSM</h2>", html);
        Assert.Single(Regex.Matches(html, Regex.Escape("Copyright 2012-2024, Plotly, Inc.")));
        Assert.DoesNotContain("cdn.plot.ly", html);
        // 2 loss + 2 samples + 2 field panels + 1 comparison + 1 trajectory
        Assert.Equal(8, Regex.Matches(html, "class=\"fm-plotly-chart\"").Count);
        Assert.Contains("<th>model</th><th>MMD</th><th>W2</th><th>mean |curl| (80² grid)</th>", html);
        Assert.Contains("<td>DSM</td><td>0.0456</td><td>—</td>", html);
        Assert.Contains("σ² = 0.05, 400 steps", html);
        Assert.Contains("window.Plotly.addFrames", html);
    }

    [Fact]
    public void Report_curl_column_separates_a_swirling_field_from_a_pure_score()
    {
        var html = report.Html;
        var curl = Regex.Matches(html, @"<td>(Flux|DSM)</td>(?:<td>[^<]*</td>){2}<td>([^<]*)</td>")
            .ToDictionary(m => m.Groups[1].Value, m => double.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
        // swirl 3·(−y, x)/(1 + r²) has curl 6/(1 + r²)²: mean ≈ 0.18 over the plot; a score field has curl 0 (up to
        // finite-difference error near the 1/r singularity at the origin)
        Assert.True(curl["Flux"] > 0.1, $"Flux mean |curl| = {curl["Flux"]}");
        Assert.True(curl["DSM"] < 0.05, $"DSM mean |curl| = {curl["DSM"]}");
    }

    [Fact]
    public void A_single_model_report_says_there_is_nothing_to_compare()
    {
        var input = TwoModels() with { Models = [TwoModels().Models[1]] };
        var html = FluxReport.ToHtml(input);
        Assert.Contains("Only one model: nothing to compare.", html);
        Assert.DoesNotContain("<section id=\"trajectories\">", html);
        Assert.Contains("<section id=\"metrics\">", html);
    }

    [Fact]
    public void Report_input_is_validated()
    {
        Assert.Throws<ArgumentException>(() => FluxReport.ToHtml(new ReportInput { Title = "x", Models = [] }));
        var dup = TwoModels() with { Models = [new ModelReport { Name = "A" }, new ModelReport { Name = "A" }] };
        Assert.Contains("distinct", Assert.Throws<ArgumentException>(() => FluxReport.ToHtml(dup)).Message);
        var bad = TwoModels() with { DataSamples = new double[3, 3] };
        Assert.Contains("[3, 3]", Assert.Throws<ArgumentException>(() => FluxReport.ToHtml(bad)).Message);
    }

    [Fact]
    public void Report_is_written_to_disk()
    {
        // Set FM_REPORT_OUT to keep the file (e.g. for tools/check_html_render.py); otherwise a temp file is removed.
        var keep = Environment.GetEnvironmentVariable("FM_REPORT_OUT");
        var path = keep ?? Path.Combine(Path.GetTempPath(), $"fm-report-{Guid.NewGuid():N}.html");
        try
        {
            var full = FluxReport.Save(TwoModels(trajectory: true), path);
            var text = File.ReadAllText(full);
            Assert.StartsWith("<!DOCTYPE html>", text);
            Assert.EndsWith("</html>\n", text);
        }
        finally
        {
            if (keep is null)
            {
                File.Delete(path);
            }
        }
    }
}
