namespace Gen.Dsl;

/// <summary>
/// Factories for the heads of pixel models: the distribution of one colour channel of one pixel given everything
/// before it. They are the heads of <see cref="Head"/> under the name a pixel model gives them (any
/// <see cref="HeadSpec"/> serves); a head also fixes how pixel values are fed back into the network
/// (<see cref="HeadSpec.NetworkInput"/>).
/// </summary>
public static class PixelHead
{
    /// <summary>Binary pixels (values 0 and 1), one logit per channel; the network sees <c>2x − 1</c>.</summary>
    public static HeadSpec Bernoulli() => Head.Bernoulli();

    /// <summary>
    /// Pixels with integer values <c>0 … levels − 1</c> (stored as floats), a softmax over <paramref name="levels"/> logits per
    /// channel; the network sees <c>2x / (levels − 1) − 1</c>, in [−1, 1].
    /// </summary>
    /// <param name="levels">Number of pixel values; 256 for 8-bit images.</param>
    /// <exception cref="System.ArgumentOutOfRangeException"><paramref name="levels"/> is below 2.</exception>
    public static HeadSpec Categorical(int levels = 256) => Head.Categorical(levels);

    /// <summary>
    /// A Gaussian per channel and pixel for continuous values (for example dequantised intensities in [0, 1]); two
    /// parameters, mean and scale.
    /// </summary>
    public static HeadSpec Gaussian() => Head.Gaussian();

    /// <summary>
    /// Pixels with integer values <c>0 … levels − 1</c> (stored as floats), each channel a mixture of
    /// <paramref name="components"/> discretised logistics (Salimans et al. 2017) on [−1, 1]; see
    /// <see cref="DiscretizedLogisticMixtureHead"/>.
    /// </summary>
    /// <param name="components">Mixture components per channel.</param>
    /// <param name="levels">Number of pixel values; 256 for 8-bit images.</param>
    /// <exception cref="System.ArgumentOutOfRangeException">Fewer than one component or two levels.</exception>
    public static HeadSpec DiscretizedLogisticMixture(int components = 5, int levels = 256) => Head.DiscretizedLogisticMixture(components, levels);
}
