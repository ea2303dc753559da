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
}
