namespace FluxMatching.Cli.Commands;

using System.CommandLine;
using System.Globalization;
using FluxMatching.Models;

/// <summary>The image options of <c>flux train</c>: the U-Net's architecture, σ distribution, per-sample σ and flips
/// (defaults from <see cref="FluxModelConfig"/>; parsing shared with the notebook magic in <see cref="ModelChoices"/>).
/// </summary>
internal sealed class ImageOptions
{
    /// <summary>Samples drawn per model for image data when --samples is not given.</summary>
    public const int ImageSamples = 16;

    private static readonly FluxModelConfig Defaults = FluxDefaults.Model;

    private readonly Option<int> channels = new("--channels") { Description = "U-Net: channels of the first level (a multiple of 32).", DefaultValueFactory = _ => Defaults.Channels };
    private readonly Option<string> mults = new("--channel-mults") { Description = "U-Net: channel multiplier per level, comma-separated.", DefaultValueFactory = _ => string.Join(",", Defaults.ChannelMultipliers) };
    private readonly Option<string?> attention = new("--attention") { Description = $"U-Net: 0-based levels with self-attention, comma-separated, or none. Default {ModelChoices.FormatAttentionLevels(Defaults.AttentionLevels)} (none when --channel-mults has another number of levels)." };
    private readonly Option<int> blocks = new("--blocks") { Description = "U-Net: residual blocks per level.", DefaultValueFactory = _ => Defaults.Blocks };
    private readonly Option<double> dropout = new("--dropout") { Description = "U-Net: dropout probability.", DefaultValueFactory = _ => Defaults.Dropout };
    private readonly Option<double> sigmaData = new("--sigma-data") { Description = "σ_data of the EDM preconditioning and loss weight.", DefaultValueFactory = _ => Defaults.SigmaData };
    private readonly Option<string?> sigmaDist = new("--sigma-dist") { Description = "σ distribution of annealed training: log-uniform or log-normal (ln σ ~ N(-1.2, 1.2²)). Default log-normal for --field unet, log-uniform otherwise." };
    private readonly Option<bool> perSample = new("--per-sample-sigma") { Description = "One σ per sample instead of one per batch (dsm-x0; edm always draws per sample)." };
    private readonly Option<bool> flip = new("--flip") { Description = "Image data: flip drawn images left-right with probability 1/2." };
    private readonly Option<bool> calibrate = new("--calibrate-normalizer") { Description = "Annealed flux: start the loss normalizer at the line fitted to the initial model's loss at 8 σ levels (the authors start it at random; short runs then spend hundreds of steps while it climbs)." };

    public static ImageOptions Create() => new();

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { channels, mults, attention, blocks, dropout, sigmaData, sigmaDist, perSample, flip, calibrate })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The configuration with the image options applied (and the unet field's exp3 defaults).</summary>
    public FluxModelConfig Apply(FluxModelConfig config, ParseResult r)
    {
        var multipliers = ModelChoices.ParseIntList(r.GetValue(mults)!, "--channel-mults");
        var withImage = config with
        {
            Channels = r.GetValue(channels), ChannelMultipliers = multipliers,
            AttentionLevels = r.GetValue(attention) is { } levels
                ? ModelChoices.ParseAttentionLevels(levels, multipliers.Count)
                : multipliers.Count == Defaults.AttentionLevels.Count ? Defaults.AttentionLevels : new bool[multipliers.Count],
            Blocks = r.GetValue(blocks), Dropout = r.GetValue(dropout), SigmaData = r.GetValue(sigmaData),
            PerSampleSigma = r.GetValue(perSample), HorizontalFlips = r.GetValue(flip),
            CalibrateNormalizer = r.GetValue(calibrate),
        };
        return ModelChoices.WithImageDefaults(withImage, ModelChoices.ParseSigmaDistribution(r.GetValue(sigmaDist)));
    }

    /// <summary>A short description of the image settings for the run's first line.</summary>
    public static string Describe(FluxModelConfig c) => string.Create(CultureInfo.InvariantCulture,
        $"U-Net {c.Channels}×[{string.Join(",", c.ChannelMultipliers)}], attention {ModelChoices.FormatAttentionLevels(c.AttentionLevels)}, σ {(c.SigmaDistribution == SigmaDistribution.LogNormal ? $"log-normal({c.PMean}, {c.PStd})" : "log-uniform")}{(c.PerSampleSigma ? " per sample" : " per batch")}{(c.CalibrateNormalizer ? ", normalizer calibrated" : "")}");
}
