namespace Gen.Probability.Bijectors;

/// <summary>How an affine map turns its unconstrained scale parameter r into a log-scale.</summary>
public enum AffineScale
{
    /// <summary>
    /// log-scale = tanh(r), so the scale stays within [1/e, e] per layer (RealNVP's couplings keep a deep stack stable
    /// this way).
    /// </summary>
    Tanh,

    /// <summary>
    /// scale = softplus(r + c) + 10⁻³ with c such that r = 0 gives 1 (<see cref="StableLogScale"/>): it grows linearly in r
    /// and never falls below 10⁻³, as in MAF and IAF layers.
    /// </summary>
    Softplus,
}
