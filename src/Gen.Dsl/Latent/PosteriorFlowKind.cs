namespace Gen.Dsl;

/// <summary>The flow, if any, that a VAE puts on its diagonal-Gaussian posterior (Rezende and Mohamed 2015).</summary>
public enum PosteriorFlowKind
{
    /// <summary>No flow: q(z|x) is the diagonal Gaussian.</summary>
    None,

    /// <summary>Planar steps z + û tanh(wᵀz + b), with 2·latent + 1 amortised parameters each.</summary>
    Planar,

    /// <summary>Radial steps z + β (z − z₀) / (α + ‖z − z₀‖), with latent + 2 amortised parameters each.</summary>
    Radial,

    /// <summary>
    /// Inverse autoregressive steps (Kingma et al. 2016): z ↦ z·σ(z, h) + m(z, h), each a MADE over the latent code
    /// (two hidden layers of max(2·latent, 32) units, alternating natural and reversed order) that also reads a context h
    /// of latent units from the encoder. Its weights are the model's own; only h is amortised.
    /// </summary>
    InverseAutoregressive,

    /// <summary>
    /// Steps of any kind (<see cref="VaeSpec.WithPosteriorSteps"/>), each conditioned on the encoder: an amortised step
    /// (<see cref="Bij.Amortised"/>) on a block of parameters of its own, every other step on one shared context.
    /// </summary>
    Steps,
}
