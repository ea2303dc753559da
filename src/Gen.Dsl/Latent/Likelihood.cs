namespace Gen.Dsl;

/// <summary>
/// Factories for the likelihoods p(x|z) of latent-variable models: the heads of <see cref="Head"/> under the name a VAE
/// gives them (any <see cref="HeadSpec"/> serves, a categorical or a mixture as well).
/// </summary>
public static class Likelihood
{
    /// <summary>Independent Bernoulli features from logits, for binary data (values exactly 0 or 1).</summary>
    public static HeadSpec Bernoulli() => Head.Bernoulli();

    /// <summary>
    /// An independent discretised logistic per feature over the integer levels 0 … <paramref name="levels"/> − 1 (data fed
    /// as those integers, as floats), with the decoder's location and log-scale: the likelihood for 8-bit images.
    /// </summary>
    /// <exception cref="System.ArgumentOutOfRangeException">Fewer than 2 levels.</exception>
    public static HeadSpec DiscretizedLogistic(int levels = 256) => Head.DiscretizedLogistic(levels);

    /// <summary>
    /// An independent Gaussian per feature whose mean and scale both come from the decoder (scale = softplus + 10⁻³,
    /// the floor keeps the density bounded on features that are constant in the data).
    /// </summary>
    public static HeadSpec Gaussian() => Head.Gaussian();

    /// <summary>An independent Gaussian per feature with the decoder's mean and a fixed <paramref name="scale"/>.</summary>
    /// <exception cref="System.ArgumentOutOfRangeException">The scale is not positive and finite.</exception>
    public static HeadSpec GaussianWithScale(double scale) => Head.GaussianWithScale(scale);
}
