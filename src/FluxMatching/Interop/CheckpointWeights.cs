namespace FluxMatching.Interop;

/// <summary>Which weights of the authors' training checkpoint to load.</summary>
public enum CheckpointWeights
{
    /// <summary>The EMA weights when the file has them (what the authors sample and evaluate with), else the
    /// trained weights, else a bare EDM or U-Net state dict.</summary>
    Auto,

    /// <summary>The trained weights: <c>MODEL.nn_model.*</c> (or a bare EDM / U-Net state dict).</summary>
    Model,

    /// <summary>The EMA weights: <c>EMA.ema_model.nn_model.*</c>.</summary>
    Ema,
}
