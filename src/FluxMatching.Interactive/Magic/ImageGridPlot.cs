namespace FluxMatching.Interactive.Magic;

using FluxMatching.Data;
using FluxMatching.Interactive.Html;
using FluxMatching.Interactive.Session;
using FluxMatching.Models;
using FluxMatching.Plotting;
using FluxMatching.Runtime;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Formatting;
using static TorchSharp.torch;

/// <summary><c>#!flux plot NAME --grid</c>: a grid of an image model's samples (EMA weights) beside a grid of data
/// images, both in [−1, 1].</summary>
internal static class ImageGridPlot
{
    /// <summary>Images drawn for the grid.</summary>
    public const int Images = 16;

    /// <summary>Sampler steps of the grid's samples (a CPU-sized preview).</summary>
    public const int SamplerSteps = 50;

    /// <summary>Samples the model and shows the two grids.</summary>
    public static async Task ShowAsync(NotebookSession session, FluxModel model, string name, FluxArguments args, KernelInvocationContext context)
    {
        if (model.Data is not IImageSource image)
        {
            throw new FluxUsageException($"{args.Prefix}: --grid needs an image model; {name} models {model.Data.Dimension}-D points (use --pairs or --field).");
        }

        ModelCommands.Require(args.Prefix);
        long[] shape = [-1, image.Channels, image.Height, image.Width];
        var options = new ImageGridOptions { Min = -1, Max = 1 };
        using (await session.UseAsync(model))
        {
            var charts = await Task.Run(() =>
            {
                using var scope = NewDisposeScope();
                var result = model.Sample(new SamplingRequest { N = Images, Steps = SamplerSteps });
                using var samples = result.Samples.detach().reshape(shape).clamp(Scalars.MinusOne, Scalars.One).cpu();
                using var data = model.Data.Sample(Images, new Generator(12345)).reshape(shape);
                return new[]
                {
                    ImageCharts.Grid(samples, options, new FigureOptions { Title = $"{name}: samples ({SamplerSteps} sampler steps, {model.StepsTrained} steps trained)" }),
                    ImageCharts.Grid(data, options, new FigureOptions { Title = $"{model.Data.Name}: data" }),
                };
            }, CancellationToken.None);
            foreach (var chart in charts)
            {
                KernelInvocationContextExtensions.Display(context, new RawHtml(session.Plotly.ToHtml(chart)), HtmlFormatter.MimeType);
            }
        }
    }
}
