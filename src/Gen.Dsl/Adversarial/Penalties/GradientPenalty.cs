using System;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// The gradient penalty of WGAN-GP (Gulrajani et al., 2017): E(‖∇ D(x̂)‖ − 1)² at x̂ = εx + (1 − ε)x̃, each real sample x
/// paired with a generated x̃ and ε ~ U[0, 1) drawn per pair. Its usual weight is 10:
/// <c>Objective.Wasserstein + 10 * Penalty.GradientPenalty</c>.
/// </summary>
public sealed record GradientPenalty : CriticPenalty
{
    /// <inheritdoc/>
    public override torch.Tensor Value(CriticBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var epsilon = PerSampleUniform(batch);
        var interpolates = (epsilon * batch.Real) + ((1 - epsilon) * batch.Fake);
        return UnitGradientNorm(batch, interpolates);
    }

    /// <inheritdoc/>
    public override string ToString() => "GradientPenalty";
}
