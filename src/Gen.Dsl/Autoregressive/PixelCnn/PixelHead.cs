using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// The distribution of one colour channel of one pixel given everything before it, parameterised by the network's
/// <see cref="ParametersPerChannel"/> outputs for that channel. Also fixes how pixel values are scaled before they enter
/// the network.
/// </summary>
public abstract record PixelHead
{
    private protected PixelHead()
    {
    }

    /// <summary>Binary pixels (values 0 and 1), one logit per channel; the network sees <c>2x − 1</c>.</summary>
    public static PixelHead Bernoulli() => new BernoulliPixelHead();

    /// <summary>
    /// Pixels with integer values <c>0 … levels − 1</c> (stored as floats), a softmax over <paramref name="levels"/> logits per
    /// channel; the network sees <c>2x / (levels − 1) − 1</c>, in [−1, 1].
    /// </summary>
    /// <param name="levels">Number of pixel values; 256 for 8-bit images.</param>
    /// <exception cref="System.ArgumentOutOfRangeException"><paramref name="levels"/> is below 2.</exception>
    public static PixelHead Categorical(int levels = 256) => new CategoricalPixelHead(levels);

    /// <summary>
    /// A Gaussian per channel and pixel for continuous values (for example dequantised intensities in [0, 1]); two
    /// parameters, mean and scale.
    /// </summary>
    public static PixelHead Gaussian() => new GaussianPixelHead();

    /// <summary>
    /// Pixels with integer values <c>0 … levels − 1</c> (stored as floats), each channel a mixture of
    /// <paramref name="components"/> discretised logistics (Salimans et al. 2017) on [−1, 1]: value k covers
    /// <c>[y − 1/(levels − 1), y + 1/(levels − 1)]</c> around <c>y = 2k / (levels − 1) − 1</c>, and the end values take the tails.
    /// The network gives <c>3·components</c> numbers per channel: mixture logits, means, log-scales. Channels are
    /// conditioned on earlier channels through the masks, so no cross-channel coefficients are needed.
    /// </summary>
    /// <param name="components">Mixture components per channel.</param>
    /// <param name="levels">Number of pixel values; 256 for 8-bit images.</param>
    /// <exception cref="System.ArgumentOutOfRangeException">Fewer than one component or two levels.</exception>
    public static PixelHead DiscretizedLogisticMixture(int components = 5, int levels = 256) => new DiscretizedLogisticPixelHead(components, levels);

    /// <summary>Network outputs per colour channel and pixel.</summary>
    public abstract int ParametersPerChannel { get; }

    /// <summary>The pixel values as the network sees them (same shape).</summary>
    internal abstract torch.Tensor Scale(torch.Tensor x);

    /// <summary>Whether every element of <paramref name="x"/> is a value this head gives probability to (a 0-dim bool tensor).</summary>
    internal abstract torch.Tensor InSupport(torch.Tensor x);

    /// <summary>The support, for error messages.</summary>
    internal abstract string SupportText { get; }

    /// <summary>log p(x) per pixel and channel: <paramref name="parameters"/> [batch, C, K, H, W], <paramref name="x"/> [batch, C, H, W] (values already checked); returns [batch, C, H, W].</summary>
    internal abstract torch.Tensor LogProb(torch.Tensor parameters, torch.Tensor x);

    /// <summary>One draw per row of <paramref name="parameters"/> ([batch, K]), as values of <paramref name="dtype"/>, shape [batch].</summary>
    internal abstract torch.Tensor Sample(torch.Tensor parameters, torch.ScalarType dtype, torch.Generator? generator);
}
