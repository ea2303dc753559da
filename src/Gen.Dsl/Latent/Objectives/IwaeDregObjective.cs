using System;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// The importance-weighted bound with k samples and the doubly reparameterised gradient (see
/// <see cref="LatentObjective.IwaeDreg"/>): a surrogate whose value is minus the bound and whose gradient is DReG's.
/// </summary>
/// <param name="K">Importance samples per data point.</param>
public sealed record IwaeDregObjective(int K) : LatentObjective
{
    /// <inheritdoc/>
    public override int Samples => K;

    /// <inheritdoc/>
    public override bool Dreg => true;

    /// <inheritdoc/>
    public override string ToString() => $"IwaeDreg(k: {K})";

    /// <summary>
    /// The decoder gets Σᵢ w̃ᵢ ∇θ log wᵢ, the encoder Σᵢ w̃ᵢ² (∂ log wᵢ / ∂zᵢ)(∂zᵢ / ∂φ) with log q evaluated under
    /// parameters held fixed. The log-weights are computed once at detached copies of the samples; their gradient with
    /// respect to those copies, weighted by w̃ᵢ², is then sent back along the samples' reparameterisation path.
    /// </summary>
    internal override torch.Tensor Loss(VaeModel model, torch.Tensor encoded, torch.Tensor x, double klWeight, double freeBits, torch.Generator? generator)
    {
        if (!torch.is_grad_enabled())
        {
            // Without gradients there is no surrogate to build, and autograd.grad would abort the process (libtorch
            // throws across the native boundary): the value alone is the same bound.
            return -(model.LogWeights(encoded, x, K, klWeight, generator).logsumexp(0) - Math.Log(K)).mean();
        }

        var z = model.Posterior(encoded).RSample(new long[] { K }, generator);
        var at = z.detach().requires_grad_(true);
        torch.Tensor fixedLogQ;
        using (model.HoldPosteriorParametersFixed())
        {
            // log q under parameters held fixed: the encoder's output detached, and the weights of an inverse
            // autoregressive posterior's own steps out of the graph too; through them the estimator would add
            // −Σᵢ w̃ᵢ ∂log q(zᵢ)/∂λ at fixed z, whose mean is not zero for K > 1 (a biased gradient).
            fixedLogQ = model.Posterior(encoded.detach()).LogProb(at);
        }

        var logWeights = model.Decode(at).LogProb(x) + (klWeight * (model.Prior().LogProb(at) - fixedLogQ));
        var normalised = logWeights.detach().softmax(0);
        var pathGradient = torch.autograd.grad(
            new[] { (normalised.square() * logWeights).sum() }, new[] { at }, retain_graph: true)[0];
        var surrogate = (normalised * logWeights).sum() + (pathGradient.detach() * z).sum();
        var bound = (logWeights.detach().logsumexp(0) - Math.Log(K)).sum();
        // The value is the bound; the gradient is the surrogate's.
        return -(bound + surrogate - surrogate.detach()) / x.shape[0];
    }
}
