using System;
using TorchSharp;

namespace Gen.Probability.Bijectors;

/// <summary>
/// The affine coupling layer of RealNVP and Glow: with a binary mask m (1 = passed through and conditioned on),
/// y = m⊙x + (1−m)⊙(x·exp(s(m⊙x)) + t(m⊙x)). Both directions cost one conditioner pass, and log|det J| is
/// the sum of s over the transformed entries. With a conditioner that returns a zero log-scale it is NICE's
/// additive coupling. It is a <see cref="Coupling"/> whose elementwise map is affine with the conditioner's shift and
/// log-scale as they are.
/// </summary>
public sealed class AffineCoupling : IBijector
{
    private const string Node = "affine_coupling";
    private readonly Coupling coupling;

    /// <summary>Creates the layer.</summary>
    /// <param name="mask">Binary mask with the event shape (1 = kept, 0 = transformed). Its rank is the event rank.</param>
    /// <param name="conditioner">Maps the masked input m⊙x to shift and log-scale, each of the input's shape.</param>
    public AffineCoupling(torch.Tensor mask, Func<torch.Tensor, AffineParameters> conditioner)
    {
        ArgumentNullException.ThrowIfNull(conditioner);
        coupling = new Coupling(mask, kept => Elementwise(conditioner(kept), kept), Node);
    }

    /// <inheritdoc/>
    public int EventRank => coupling.EventRank;

    /// <inheritdoc/>
    public Transformed ForwardAndLogDet(torch.Tensor x) => coupling.ForwardAndLogDet(x);

    /// <inheritdoc/>
    public Transformed InverseAndLogDet(torch.Tensor y) => coupling.InverseAndLogDet(y);

    private static ElementwiseAffine Elementwise(AffineParameters p, torch.Tensor input)
    {
        if (p.Shift is null || p.LogScale is null || !Shape.Same(p.Shift, input) || !Shape.Same(p.LogScale, input))
        {
            throw new GenShapeException($"{Node}.conditioner",
                $"must return shift and log-scale of the input's shape {Shape.Format(input.shape)}, got {Shape.Format(p.Shift?.shape ?? Array.Empty<long>())} and {Shape.Format(p.LogScale?.shape ?? Array.Empty<long>())}.");
        }

        return new ElementwiseAffine(p.Shift, p.LogScale);
    }
}
