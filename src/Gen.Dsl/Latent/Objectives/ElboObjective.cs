using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// The ELBO: E_q[log p(x|z)] − β·KL(q(z|x) ‖ p(z)) with one reparameterised sample, the KL analytic where the spec asks
/// and a rule exists, and, with free bits λ, each latent dimension's KL (averaged over the batch) counted as at least λ.
/// </summary>
public sealed record ElboObjective : LatentObjective
{
    /// <inheritdoc/>
    public override int Samples => 1;

    /// <inheritdoc/>
    public override string ToString() => "Elbo";

    internal override torch.Tensor Loss(VaeModel model, torch.Tensor encoded, torch.Tensor x, double klWeight, double freeBits, torch.Generator? generator)
    {
        var q = model.Posterior(encoded);
        var s = model.Draw(q, generator);
        var reconstruction = model.Decode(s.Value).LogProb(x).mean();
        var groups = model.KlByGroup(q, s);
        var kl = freeBits > 0
            ? groups.mean(new long[] { 0 }).clamp_min(freeBits * model.Spec.LatentDimensions / groups.shape[^1]).sum()
            : groups.sum(-1).mean();
        return (klWeight * kl) - reconstruction;
    }
}
