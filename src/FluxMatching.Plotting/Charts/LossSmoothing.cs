namespace FluxMatching.Plotting;

/// <summary>Smoothing of noisy training-loss curves (the Flux Matching loss is unbounded below and very noisy).</summary>
public static class LossSmoothing
{
    /// <summary>
    /// Debiased exponential moving average (TensorBoard's smoothing): m_t = w m_{t−1} + (1 − w) x_t with m_0 = 0,
    /// reported as m_t / (1 − w^t), so the first value is x_1 rather than a value dragged towards 0. Non-finite inputs
    /// are skipped (the previous average is repeated; NaN until the first finite value).
    /// </summary>
    /// <param name="values">Raw values, length T.</param>
    /// <param name="weight">w in [0, 1): 0 = no smoothing, 0.9 ≈ a 10-step window. Typical 0.9 … 0.99.</param>
    /// <returns>Smoothed values, length T.</returns>
    public static double[] Ema(IReadOnlyList<double> values, double weight)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (!(weight >= 0 && weight < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(weight), weight, "weight must be in [0, 1).");
        }

        var r = new double[values.Count];
        double m = 0, decay = 1;
        bool any = false;
        for (int t = 0; t < values.Count; t++)
        {
            if (double.IsFinite(values[t]))
            {
                m = weight * m + (1 - weight) * values[t];
                decay *= weight;
                any = true;
            }
            r[t] = any ? m / (1 - decay) : double.NaN;
        }
        return r;
    }

    /// <summary>Trailing moving average over the last <paramref name="window"/> finite values (fewer at the start).</summary>
    /// <param name="values">Raw values, length T.</param>
    /// <param name="window">Window length, ≥ 1.</param>
    /// <returns>Smoothed values, length T (NaN until the first finite value).</returns>
    public static double[] MovingAverage(IReadOnlyList<double> values, int window)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (window < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(window), window, "window must be ≥ 1.");
        }

        var r = new double[values.Count];
        var q = new Queue<double>();
        double sum = 0;
        for (int t = 0; t < values.Count; t++)
        {
            if (double.IsFinite(values[t]))
            {
                q.Enqueue(values[t]);
                sum += values[t];
                if (q.Count > window)
                {
                    sum -= q.Dequeue();
                }
            }
            r[t] = q.Count == 0 ? double.NaN : sum / q.Count;
        }
        return r;
    }
}
