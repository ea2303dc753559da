using System;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// The importance-weighted bound with k samples and the plain reparameterised gradient: −mean of
/// log (1/k) Σᵢ exp(log wᵢ), log wᵢ = log p(x|zᵢ) + β·(log p(zᵢ) − log q(zᵢ|x)).
/// </summary>
/// <param name="K">Importance samples per data point.</param>
public sealed record IwaeObjective(int K) : LatentObjective
{
    /// <inheritdoc/>
    public override int Samples => K;

    /// <inheritdoc/>
    public override string ToString() => $"Iwae(k: {K})";

    internal override torch.Tensor Loss(VaeModel model, torch.Tensor encoded, torch.Tensor x, double klWeight, double freeBits, torch.Generator? generator)
    {
        var bound = model.LogWeights(encoded, x, K, klWeight, generator).logsumexp(0) - Math.Log(K);
        return -bound.mean();
    }
}
