using System;
using TorchSharp;

namespace Gen.Probability.Bijectors;

/// <summary>
/// The radial flow of Rezende and Mohamed (2015): f(z) = z + β h(α, r) (z − z₀) with r = ‖z − z₀‖ and
/// h = 1 / (α + r), which contracts or expands space around the centre z₀. With D features,
/// log|det ∂f/∂z| = (D − 1) log(1 + β h) + log(1 + β α h²). The map is invertible when α &gt; 0 and β ≥ −α, so it
/// is built from unconstrained numbers a and c as α = softplus(a) and β = −α + softplus(c); a = c = 0 gives β = 0,
/// the identity.
/// </summary>
/// <remarks>
/// <para>Parameters may carry batch dimensions (amortised flows): the centre has shape [..., D] and a, c the
/// leading shape [...]; all broadcast against the input's leading dimensions.</para>
/// <para>The inverse is closed form. The map moves a point along its ray from z₀, so only the radius has to be
/// found: the image radius is r_y = r (1 + β / (α + r)), that is r² + (α + β − r_y) r − α r_y = 0, whose one
/// non-negative root is taken (in the form that avoids cancellation), and then z = z₀ + (y − z₀) / (1 + β h(r)).</para>
/// </remarks>
public sealed class Radial : IBijector
{
    private readonly torch.Tensor center;
    private readonly torch.Tensor a;
    private readonly torch.Tensor c;

    /// <summary>Creates the map from its centre and two unconstrained numbers.</summary>
    /// <param name="center">The centre z₀, shape [..., D].</param>
    /// <param name="alpha">The unconstrained a with α = softplus(a), shape [...].</param>
    /// <param name="beta">The unconstrained c with β = −α + softplus(c), shape [...].</param>
    /// <exception cref="GenShapeException">The centre has no event dimension.</exception>
    public Radial(torch.Tensor center, torch.Tensor alpha, torch.Tensor beta)
    {
        this.center = center ?? throw new ArgumentNullException(nameof(center));
        a = alpha ?? throw new ArgumentNullException(nameof(alpha));
        c = beta ?? throw new ArgumentNullException(nameof(beta));
        if (center.dim() < 1)
        {
            throw new GenShapeException("radial", $"the centre must be a vector (shape [..., D]), got {Shape.Format(center.shape)}.");
        }
    }

    /// <inheritdoc/>
    public int EventRank => 1;

    /// <summary>The number of features D.</summary>
    public long Features => center.shape[^1];

    /// <inheritdoc/>
    public Transformed ForwardAndLogDet(torch.Tensor x)
    {
        CheckInput(x);
        using var scope = torch.NewDisposeScope();
        var (alpha, beta) = Constrained();
        var d = x - center;
        var r = Norm(d);
        var h = 1 / (alpha + r);
        var y = x + (beta * h).unsqueeze(-1) * d;
        return new Transformed(y.MoveToOuterDisposeScope(), LogDet(alpha, beta, h).MoveToOuterDisposeScope());
    }

    /// <inheritdoc/>
    public Transformed InverseAndLogDet(torch.Tensor y)
    {
        CheckInput(y);
        using var scope = torch.NewDisposeScope();
        var (alpha, beta) = Constrained();
        var d = y - center;
        var ry = Norm(d);
        // The non-negative root of r² + k r − α r_y = 0 with k = α + β − r_y; for k > 0 the textbook form cancels.
        var k = alpha + beta - ry;
        var root = (k.square() + 4 * alpha * ry).sqrt();
        var r = torch.where(k.gt(0), 2 * alpha * ry / (k + root), (root - k) / 2);
        var h = 1 / (alpha + r);
        var x = center + d / (1 + beta * h).unsqueeze(-1);
        return new Transformed(x.MoveToOuterDisposeScope(), (-LogDet(alpha, beta, h)).MoveToOuterDisposeScope());
    }

    /// <inheritdoc/>
    public override string ToString() => $"Radial({Features})";

    /// <summary>α = softplus(a) and β = −α + softplus(c).</summary>
    private (torch.Tensor Alpha, torch.Tensor Beta) Constrained()
    {
        var alpha = torch.nn.functional.softplus(a);
        return (alpha, torch.nn.functional.softplus(c) - alpha);
    }

    /// <summary>(D − 1) log(1 + βh) + log(1 + βαh²): the radial factor once per direction orthogonal to the ray, and the radial derivative.</summary>
    private torch.Tensor LogDet(torch.Tensor alpha, torch.Tensor beta, torch.Tensor h) =>
        (Features - 1) * torch.log1p(beta * h) + torch.log1p(beta * alpha * h.square());

    /// <summary>‖d‖ over the last dimension (with a zero, not NaN, gradient at the centre).</summary>
    private static torch.Tensor Norm(torch.Tensor d) => torch.linalg.vector_norm(d, 2, new long[] { -1 });

    private void CheckInput(torch.Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        Shape.CheckTrailing(x, new[] { Features }, "radial");
    }
}
