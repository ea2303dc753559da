namespace Gen.Dsl;

/// <summary>
/// Factories for heads (<see cref="HeadSpec"/>): a VAE's likelihood, a pixel model's conditionals, a conditional base.
/// <see cref="Likelihood"/> and <see cref="PixelHead"/> give the same heads under the names those models use.
/// </summary>
public static class Head
{
    /// <summary>Binary values (0 or 1), one logit each; a pixel model's network sees <c>2x − 1</c>.</summary>
    public static HeadSpec Bernoulli() => new BernoulliHead();

    /// <summary>
    /// A Gaussian per element whose mean and scale both come from the network: scale = softplus(u) + 10⁻³ (the floor keeps
    /// the density bounded on features that are constant in the data).
    /// </summary>
    public static HeadSpec Gaussian() => new GaussianHead(FixedScale: null);

    /// <summary>A Gaussian per element with the network's mean and a fixed <paramref name="scale"/>.</summary>
    /// <exception cref="System.ArgumentOutOfRangeException">The scale is not positive and finite.</exception>
    public static HeadSpec GaussianWithScale(double scale) => Checked(new GaussianHead(FixedScale: scale));

    /// <summary>
    /// Integer values <c>0 … levels − 1</c> (stored as floats), a softmax over <paramref name="levels"/> logits each; a pixel
    /// model's network sees <c>2x / (levels − 1) − 1</c>.
    /// </summary>
    /// <exception cref="System.ArgumentOutOfRangeException"><paramref name="levels"/> is below 2.</exception>
    public static HeadSpec Categorical(int levels = 256) => Checked(new CategoricalHead(levels));

    /// <summary>
    /// Integer values <c>0 … levels − 1</c> under a discretised logistic (PixelCNN++'s pixel likelihood) with the network's
    /// location on the levels' [−1, 1] scale and log-scale.
    /// </summary>
    /// <exception cref="System.ArgumentOutOfRangeException">Fewer than 2 levels.</exception>
    public static HeadSpec DiscretizedLogistic(int levels = 256) => Checked(new DiscretizedLogisticHead(levels));

    /// <summary>
    /// Integer values <c>0 … levels − 1</c>, each a mixture of <paramref name="components"/> discretised logistics on
    /// [−1, 1] (Salimans et al. 2017): the network gives <c>3·components</c> numbers, mixture logits, locations, log-scales.
    /// </summary>
    /// <exception cref="System.ArgumentOutOfRangeException">Fewer than one component or two levels.</exception>
    public static HeadSpec DiscretizedLogisticMixture(int components = 5, int levels = 256) =>
        Checked(new DiscretizedLogisticMixtureHead(components, levels));

    private static T Checked<T>(T head)
        where T : HeadSpec
    {
        head.Check();
        return head;
    }
}
