using System;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// The R1 penalty (Mescheder et al., 2018): ½ E‖∇ₓ D(x)‖² over real samples, which keeps the discriminator flat on the
/// data. With weight γ (<c>γ * Penalty.R1</c>) it is the paper's (γ/2)·E‖∇D‖²; γ = 10 is a common choice.
/// </summary>
public sealed record R1Penalty : CriticPenalty
{
    /// <inheritdoc/>
    public override torch.Tensor Value(CriticBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return InputGradients(batch, batch.Real).square().sum(1).mean() * 0.5;
    }

    /// <inheritdoc/>
    public override string ToString() => "R1";
}
