namespace Gen.Dsl;

/// <summary>How a VAE computes the KL term KL(q(z|x) ‖ p(z)) of its ELBO.</summary>
public enum KlEstimate
{
    /// <summary>
    /// The analytic divergence where <see cref="Gen.Probability.Kl"/> has a rule for the posterior and the prior
    /// (a diagonal Gaussian against the standard normal); otherwise, as for flow posteriors, the Monte Carlo
    /// estimate.
    /// </summary>
    Analytic,

    /// <summary>
    /// Always the one-sample Monte Carlo estimate log q(z|x) − log p(z) at the posterior sample used for the
    /// reconstruction term. Unbiased, with more variance than the analytic divergence.
    /// </summary>
    MonteCarlo,
}
