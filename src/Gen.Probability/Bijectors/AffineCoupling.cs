using System;
using TorchSharp;

namespace Gen.Probability.Bijectors;

/// <summary>
/// The affine coupling layer of RealNVP and Glow: with a binary mask m (1 = passed through and conditioned on),
/// y = m⊙x + (1−m)⊙(x·exp(s(m⊙x)) + t(m⊙x)). Both directions cost one conditioner pass, and log|det J| is
/// the sum of s over the transformed entries. With a conditioner that returns a zero log-scale it is NICE's
/// additive coupling.
/// </summary>
public sealed class AffineCoupling : IBijector
{
    private readonly torch.Tensor mask;
    private readonly Func<torch.Tensor, AffineParameters> conditioner;

    /// <summary>Creates the layer.</summary>
    /// <param name="mask">Binary mask with the event shape (1 = kept, 0 = transformed). Its rank is the event rank.</param>
    /// <param name="conditioner">Maps the masked input m⊙x to shift and log-scale, each of the input's shape.</param>
    public AffineCoupling(torch.Tensor mask, Func<torch.Tensor, AffineParameters> conditioner)
    {
        this.mask = mask ?? throw new ArgumentNullException(nameof(mask));
        this.conditioner = conditioner ?? throw new ArgumentNullException(nameof(conditioner));
    }

    /// <inheritdoc/>
    public int EventRank => (int)mask.dim();

    /// <inheritdoc/>
    public Transformed ForwardAndLogDet(torch.Tensor x)
    {
        Shape.CheckTrailing(x, mask.shape, "affine_coupling");
        using var scope = torch.NewDisposeScope();
        var kept = x * mask;
        var (t, s) = Parameters(kept, x);
        var free = 1.0 - mask;
        var y = kept + free * (x * s.exp() + t);
        var ld = Reduce.SumRightmost(free * s, EventRank);
        return new Transformed(y.MoveToOuterDisposeScope(), ld.MoveToOuterDisposeScope());
    }

    /// <inheritdoc/>
    public Transformed InverseAndLogDet(torch.Tensor y)
    {
        Shape.CheckTrailing(y, mask.shape, "affine_coupling");
        using var scope = torch.NewDisposeScope();
        var kept = y * mask;
        var (t, s) = Parameters(kept, y);
        var free = 1.0 - mask;
        var x = kept + free * ((y - t) * (-s).exp());
        var ld = -Reduce.SumRightmost(free * s, EventRank);
        return new Transformed(x.MoveToOuterDisposeScope(), ld.MoveToOuterDisposeScope());
    }

    private AffineParameters Parameters(torch.Tensor kept, torch.Tensor input)
    {
        var p = conditioner(kept);
        if (!p.Shift.shape.AsSpan().SequenceEqual(input.shape) || !p.LogScale.shape.AsSpan().SequenceEqual(input.shape))
        {
            throw new GenShapeException("affine_coupling.conditioner",
                $"must return shift and log-scale of the input's shape {Shape.Format(input.shape)}, got {Shape.Format(p.Shift.shape)} and {Shape.Format(p.LogScale.shape)}.");
        }

        return p;
    }
}
