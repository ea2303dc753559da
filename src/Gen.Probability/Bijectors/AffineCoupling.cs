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
    private readonly long[] eventShape;
    private readonly Func<torch.Tensor, AffineParameters> conditioner;
    private readonly object gate = new();
    private torch.Tensor? free;
    private torch.Tensor? negatedFree;

    /// <summary>Creates the layer.</summary>
    /// <param name="mask">Binary mask with the event shape (1 = kept, 0 = transformed). Its rank is the event rank.</param>
    /// <param name="conditioner">Maps the masked input m⊙x to shift and log-scale, each of the input's shape.</param>
    public AffineCoupling(torch.Tensor mask, Func<torch.Tensor, AffineParameters> conditioner)
    {
        this.mask = mask ?? throw new ArgumentNullException(nameof(mask));
        eventShape = mask.shape;
        this.conditioner = conditioner ?? throw new ArgumentNullException(nameof(conditioner));
    }

    /// <inheritdoc/>
    public int EventRank => eventShape.Length;

    /// <inheritdoc/>
    public Transformed ForwardAndLogDet(torch.Tensor x)
    {
        Shape.CheckTrailing(x, eventShape, "affine_coupling");
        using var scope = torch.NewDisposeScope();
        var kept = x * mask;
        var (t, s) = Parameters(kept, x);
        var y = torch.addcmul(kept, Free, torch.addcmul(t, x, s.exp(), 1), 1);
        return new Transformed(y.MoveToOuterDisposeScope(), FreeSum(s, negate: false).MoveToOuterDisposeScope());
    }

    /// <inheritdoc/>
    public Transformed InverseAndLogDet(torch.Tensor y)
    {
        Shape.CheckTrailing(y, eventShape, "affine_coupling");
        using var scope = torch.NewDisposeScope();
        var kept = y * mask;
        var (t, s) = Parameters(kept, y);
        // Multiplying by exp(−s) rather than dividing by exp(s): the same value, and a cheaper backward.
        var x = torch.addcmul(kept, Free, (y - t) * s.neg().exp(), 1);
        return new Transformed(x.MoveToOuterDisposeScope(), FreeSum(s, negate: true).MoveToOuterDisposeScope());
    }

    // 1 − m, made once per layer: the conditioner's cost aside, a coupling is then a handful of fused kernels.
    private torch.Tensor Free
    {
        get
        {
            lock (gate)
            {
                if (free is null)
                {
                    using var noGrad = torch.no_grad();
                    free = 1.0 - mask;
                    free.DetachFromDisposeScope();
                    negatedFree = -free;
                    negatedFree.DetachFromDisposeScope();
                }

                return free;
            }
        }
    }

    // ±Σ over the transformed entries of s: for vector events one matrix-vector product instead of a product and a sum.
    private torch.Tensor FreeSum(torch.Tensor s, bool negate)
    {
        var weights = negate ? NegatedFree : Free;
        return eventShape.Length == 1 ? s.matmul(weights) : Reduce.SumRightmost(s * weights, EventRank);
    }

    private torch.Tensor NegatedFree
    {
        get
        {
            _ = Free;
            return negatedFree!;
        }
    }

    private AffineParameters Parameters(torch.Tensor kept, torch.Tensor input)
    {
        var p = conditioner(kept);
        if (!Shape.Same(p.Shift, input) || !Shape.Same(p.LogScale, input))
        {
            throw new GenShapeException("affine_coupling.conditioner",
                $"must return shift and log-scale of the input's shape {Shape.Format(input.shape)}, got {Shape.Format(p.Shift.shape)} and {Shape.Format(p.LogScale.shape)}.");
        }

        return p;
    }
}
