using System;
using Gen.Probability.Distributions;
using TorchSharp;

namespace Gen.Probability.Bijectors;

/// <summary>
/// The planar flow of Rezende and Mohamed (2015), "Variational inference with normalizing flows":
/// f(z) = z + û tanh(wᵀz + b), with log|det ∂f/∂z| = log|1 + (1 − tanh²(wᵀz + b)) wᵀû|. The vector u is made
/// to satisfy the invertibility condition wᵀû ≥ −1 by the paper's projection û = u + (m(wᵀu) − wᵀu) w / ‖w‖²
/// with m(a) = −1 + softplus(a), so wᵀû = m(wᵀu) &gt; −1 for any parameters.
/// </summary>
/// <remarks>
/// <para>Parameters may carry batch dimensions (amortised flows, one set per data point): w and u have shape
/// [..., D] and b the leading shape [...]; all broadcast against the input's leading dimensions.</para>
/// <para>The forward direction is closed form. The inverse has no closed form, so it is computed numerically:
/// writing α = wᵀz, the image satisfies wᵀy = α + wᵀû tanh(α + b), a scalar equation in α per event whose left side is
/// non-decreasing (its derivative is 1 + wᵀû (1 − tanh²) ≥ 0) and whose root lies within |wᵀû| of wᵀy. It is solved by
/// Newton's method safeguarded by bisection on that bracket, then z = y − û tanh(α + b). A last Newton step taken with
/// gradients on makes α differentiable (by the implicit function theorem) with respect to y and the parameters.
/// The inverse therefore costs tens of elementwise passes; sampling and <see cref="TransformedDistribution"/>'s
/// <c>SampleAndLogProb</c> use only the forward direction.</para>
/// <para>In floating point m(wᵀu) rounds to −1 once wᵀu is below about −17 (float32) or −37 (float64); the map is
/// then flat in the direction of w where wᵀz + b = 0, as the exact map nearly is. The log-determinant is computed from
/// softplus(wᵀu) itself and stays accurate there; keeping wᵀu above those values keeps the computed map invertible.</para>
/// </remarks>
public sealed class Planar : IBijector
{
    private readonly torch.Tensor w;
    private readonly torch.Tensor u;
    private readonly torch.Tensor b;

    /// <summary>Creates the map from its parameters.</summary>
    /// <param name="w">The direction, shape [..., D]; must not be zero (a zero w makes the map a translation by u tanh(b)).</param>
    /// <param name="u">The unconstrained displacement, shape [..., D]; the map uses its projection û.</param>
    /// <param name="b">The offset, shape [...] (a scalar for a single flow).</param>
    /// <exception cref="GenShapeException">w and u have different event sizes, or a parameter has no event dimension.</exception>
    public Planar(torch.Tensor w, torch.Tensor u, torch.Tensor b)
    {
        this.w = w ?? throw new ArgumentNullException(nameof(w));
        this.u = u ?? throw new ArgumentNullException(nameof(u));
        this.b = b ?? throw new ArgumentNullException(nameof(b));
        if (w.dim() < 1 || u.dim() < 1 || w.shape[^1] != u.shape[^1])
        {
            throw new GenShapeException("planar", $"w and u must be vectors of the same length (shape [..., D]), got {Shape.Format(w.shape)} and {Shape.Format(u.shape)}.");
        }
    }

    /// <inheritdoc/>
    public int EventRank => 1;

    /// <summary>The number of features D.</summary>
    public long Features => w.shape[^1];

    /// <summary>
    /// m(wᵀu) = wᵀû = −1 + softplus(wᵀu), of the parameters' leading shape: the constrained inner product, always above −1.
    /// </summary>
    public torch.Tensor ConstrainedInnerProduct()
    {
        using var scope = torch.NewDisposeScope();
        return (torch.nn.functional.softplus((w * u).sum(-1)) - 1).MoveToOuterDisposeScope();
    }

    /// <summary>û = u + (m(wᵀu) − wᵀu) w / ‖w‖², the displacement that makes the map invertible; shape [..., D].</summary>
    public torch.Tensor ConstrainedU()
    {
        using var scope = torch.NewDisposeScope();
        var wu = (w * u).sum(-1, keepdim: true);
        var m = torch.nn.functional.softplus(wu) - 1;
        // A w of exactly zero would give 0/0; with the floor the correction vanishes and the map is a translation.
        var normSquared = w.square().sum(-1, keepdim: true).clamp_min(DistMath.Tiny(w.dtype));
        return (u + (m - wu) * w / normSquared).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public Transformed ForwardAndLogDet(torch.Tensor x)
    {
        CheckInput(x);
        using var scope = torch.NewDisposeScope();
        var t = torch.tanh((x * w).sum(-1) + b);
        var y = x + ConstrainedU() * t.unsqueeze(-1);
        var ld = LogDet(t);
        return new Transformed(y.MoveToOuterDisposeScope(), ld.MoveToOuterDisposeScope());
    }

    /// <inheritdoc/>
    public Transformed InverseAndLogDet(torch.Tensor y)
    {
        CheckInput(y);
        using var scope = torch.NewDisposeScope();
        var wu = ConstrainedInnerProduct();
        var wy = (y * w).sum(-1);
        // The root α of α + wᵀû tanh(α + b) = wᵀy, differentiable in y and the parameters.
        var alpha = TanhRoot.Solve(wy, wu, null, b);

        var t = torch.tanh(alpha + b);
        var x = y - ConstrainedU() * t.unsqueeze(-1);
        var ld = -LogDet(t);
        return new Transformed(x.MoveToOuterDisposeScope(), ld.MoveToOuterDisposeScope());
    }

    /// <inheritdoc/>
    public override string ToString() => $"Planar({Features})";

    /// <summary>
    /// log(1 + (1 − t²) wᵀû), positive inside the log because wᵀû &gt; −1. wᵀû = softplus(wᵀu) − 1 rounds to −1 once
    /// wᵀu is below about −17 (float32), where 1 + (1 − t²)·wᵀû would cancel to t²; 1 + wᵀû = softplus(wᵀu) is
    /// passed on its own so that it does not.
    /// </summary>
    private torch.Tensor LogDet(torch.Tensor t)
    {
        var onePlus = torch.nn.functional.softplus((w * u).sum(-1));
        return TanhRoot.LogSlope(t, onePlus - 1, onePlus);
    }

    private void CheckInput(torch.Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        Shape.CheckTrailing(x, new[] { Features }, "planar");
    }
}
