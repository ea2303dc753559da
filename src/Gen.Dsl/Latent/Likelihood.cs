using System;

namespace Gen.Dsl;

/// <summary>Factories for the likelihoods p(x|z) of latent-variable models.</summary>
public static class Likelihood
{
    /// <summary>Independent Bernoulli pixels from logits, for binary data (values exactly 0 or 1).</summary>
    public static BernoulliLikelihoodSpec Bernoulli() => new();

    /// <summary>
    /// An independent discretised logistic per feature over the integer levels 0 … <paramref name="levels"/> − 1 (data fed
    /// as those integers, as floats), with the decoder's location and log-scale: the likelihood for 8-bit images.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than 2 levels.</exception>
    public static DiscretizedLogisticLikelihoodSpec DiscretizedLogistic(int levels = 256) =>
        DiscretizedLogisticLikelihoodSpec.Checked(new(levels));

    /// <summary>
    /// An independent Gaussian per feature whose mean and scale both come from the decoder (scale = softplus + 10⁻³,
    /// the floor keeps the density bounded on features that are constant in the data).
    /// </summary>
    public static GaussianLikelihoodSpec Gaussian() => new(FixedScale: null);

    /// <summary>An independent Gaussian per feature with the decoder's mean and a fixed <paramref name="scale"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The scale is not positive and finite.</exception>
    public static GaussianLikelihoodSpec GaussianWithScale(double scale)
    {
        var spec = new GaussianLikelihoodSpec(FixedScale: scale);
        spec.Check();
        return spec;
    }
}
