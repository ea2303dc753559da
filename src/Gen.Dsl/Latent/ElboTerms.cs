using TorchSharp;

namespace Gen.Dsl;

/// <summary>The evidence lower bound of a batch and its two terms, each of shape [batch], in nats.</summary>
/// <param name="Elbo">Reconstruction − Kl, a lower bound on log p(x).</param>
/// <param name="Reconstruction">E_q[log p(x|z)], estimated with one posterior sample.</param>
/// <param name="Kl">KL(q(z|x) ‖ p(z)), analytic or estimated (see <see cref="KlEstimate"/>).</param>
public readonly record struct ElboTerms(torch.Tensor Elbo, torch.Tensor Reconstruction, torch.Tensor Kl);
