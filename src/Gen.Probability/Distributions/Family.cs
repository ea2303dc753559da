using TorchSharp;
using D = Gen.Probability.Distributions;

namespace Gen.Probability;

/// <summary>
/// Factories for the distribution families. Each returns a cheap value object over the given parameter tensors
/// (which it does not own); parameters are checked when <see cref="Distribution.Validate"/> is on.
/// </summary>
public static class Family
{
    /// <summary>The normal distribution N(loc, scale²), elementwise.</summary>
    public static D.Normal Normal(torch.Tensor loc, torch.Tensor scale) => new(loc, scale);

    /// <summary>A diagonal Gaussian over vectors: elementwise normals whose last dimension is the event.</summary>
    public static D.Independent DiagonalNormal(torch.Tensor loc, torch.Tensor scale) => new(new D.Normal(loc, scale), 1);

    /// <summary>Reinterprets the last <paramref name="reinterpretedBatchDims"/> batch dimensions of <paramref name="distribution"/> as event dimensions.</summary>
    public static D.Independent Independent(IDistribution distribution, int reinterpretedBatchDims) => new(distribution, reinterpretedBatchDims);

    /// <summary>The Bernoulli distribution, from exactly one of logits and probabilities.</summary>
    public static D.Bernoulli Bernoulli(D.ByName byName = default, torch.Tensor? logits = null, torch.Tensor? probs = null) => new(logits: logits, probs: probs);

    /// <summary>The categorical distribution over the last dimension, from exactly one of logits and probabilities.</summary>
    public static D.Categorical Categorical(D.ByName byName = default, torch.Tensor? logits = null, torch.Tensor? probs = null) => new(logits: logits, probs: probs);

    /// <summary>The categorical distribution over one-hot vectors, from exactly one of logits and probabilities.</summary>
    public static D.OneHotCategorical OneHotCategorical(D.ByName byName = default, torch.Tensor? logits = null, torch.Tensor? probs = null) => new(logits: logits, probs: probs);

    /// <summary>The uniform distribution on [low, high].</summary>
    public static D.Uniform Uniform(torch.Tensor low, torch.Tensor high) => new(low, high);

    /// <summary>The Laplace distribution.</summary>
    public static D.Laplace Laplace(torch.Tensor loc, torch.Tensor scale) => new(loc, scale);

    /// <summary>The logistic distribution.</summary>
    public static D.Logistic Logistic(torch.Tensor loc, torch.Tensor scale) => new(loc, scale);

    /// <summary>The exponential distribution.</summary>
    public static D.Exponential Exponential(torch.Tensor rate) => new(rate);

    /// <summary>The log-normal distribution exp(N(loc, scale²)).</summary>
    public static D.LogNormal LogNormal(torch.Tensor loc, torch.Tensor scale) => new(loc, scale);

    /// <summary>The half-normal distribution |N(0, scale²)|.</summary>
    public static D.HalfNormal HalfNormal(torch.Tensor scale) => new(scale);

    /// <summary>The Cauchy distribution.</summary>
    public static D.Cauchy Cauchy(torch.Tensor loc, torch.Tensor scale) => new(loc, scale);

    /// <summary>Student's t distribution.</summary>
    public static D.StudentT StudentT(torch.Tensor df, torch.Tensor loc, torch.Tensor scale) => new(df, loc, scale);

    /// <summary>A point mass at <paramref name="value"/> whose last <paramref name="eventRank"/> dimensions form the event.</summary>
    public static D.Delta Delta(torch.Tensor value, int eventRank = 0) => new(value, eventRank);

    /// <summary>The multivariate normal distribution from the Cholesky factor of its covariance.</summary>
    public static D.MultivariateNormal MultivariateNormal(torch.Tensor loc, torch.Tensor scaleTril) => new(loc, scaleTril);

    /// <summary>The multivariate normal distribution from its covariance matrix (factorised here).</summary>
    public static D.MultivariateNormal MultivariateNormalFromCovariance(torch.Tensor loc, torch.Tensor covariance) =>
        D.MultivariateNormal.FromCovariance(loc, covariance);

    /// <summary>The gamma distribution with shape (concentration) and rate.</summary>
    public static D.Gamma Gamma(torch.Tensor concentration, torch.Tensor rate) => new(concentration, rate);

    /// <summary>The beta distribution Beta(α, β), α the concentration of x.</summary>
    public static D.Beta Beta(torch.Tensor concentration1, torch.Tensor concentration0) => new(concentration1, concentration0);

    /// <summary>The Dirichlet distribution over the last dimension.</summary>
    public static D.Dirichlet Dirichlet(torch.Tensor concentration) => new(concentration);

    /// <summary>The Poisson distribution.</summary>
    public static D.Poisson Poisson(torch.Tensor rate) => new(rate);

    /// <summary>The geometric distribution (failures before the first success), from exactly one of logits and probabilities.</summary>
    public static D.Geometric Geometric(D.ByName byName = default, torch.Tensor? logits = null, torch.Tensor? probs = null) => new(logits: logits, probs: probs);

    /// <summary>The binomial distribution, from exactly one of logits and probabilities.</summary>
    public static D.Binomial Binomial(torch.Tensor totalCount, D.ByName byName = default, torch.Tensor? logits = null, torch.Tensor? probs = null) => new(totalCount, logits: logits, probs: probs);

    /// <summary>A mixture of same-family components with categorical weights.</summary>
    public static D.MixtureSameFamily MixtureSameFamily(D.Categorical mixture, IDistribution components) => new(mixture, components);

    /// <summary>The continuous Bernoulli on [0, 1] (from logits or λ; give exactly one).</summary>
    public static D.ContinuousBernoulli ContinuousBernoulli(D.ByName byName = default, torch.Tensor? logits = null, torch.Tensor? probs = null) => new(logits: logits, probs: probs);

    /// <summary>The relaxed Bernoulli (binary Concrete) with temperature τ, from logits or probabilities.</summary>
    public static D.RelaxedBernoulli RelaxedBernoulli(torch.Tensor temperature, D.ByName byName = default, torch.Tensor? logits = null, torch.Tensor? probs = null) => new(temperature, logits: logits, probs: probs);

    /// <summary>The relaxed one-hot categorical (Concrete / Gumbel-softmax) with temperature τ over the last dimension.</summary>
    public static D.RelaxedOneHotCategorical RelaxedOneHotCategorical(torch.Tensor temperature, D.ByName byName = default, torch.Tensor? logits = null, torch.Tensor? probs = null) => new(temperature, logits: logits, probs: probs);

    /// <summary>A one-hot categorical whose reparameterised samples carry the straight-through gradient.</summary>
    public static D.OneHotCategoricalStraightThrough OneHotCategoricalStraightThrough(D.ByName byName = default, torch.Tensor? logits = null, torch.Tensor? probs = null) => new(logits: logits, probs: probs);

    /// <summary>A multivariate normal with covariance W Wᵀ + diag(d).</summary>
    public static D.LowRankMultivariateNormal LowRankMultivariateNormal(torch.Tensor loc, torch.Tensor covarianceFactor, torch.Tensor covarianceDiagonal) => new(loc, covarianceFactor, covarianceDiagonal);

    /// <summary>The discretised logistic over the levels 0 … L − 1 (PixelCNN++).</summary>
    public static D.DiscretizedLogistic DiscretizedLogistic(torch.Tensor loc, torch.Tensor logScale, int levels = 256) => new(loc, logScale, levels);
}
