using Gen.Probability.Distributions;
using TorchSharp;

namespace Gen.Probability.Bijectors;

/// <summary>
/// Solves the scalar equations α + p·tanh(q·α + c) = target elementwise, for maps whose inverse reduces to them
/// (planar flows with q = 1; each component of a Sylvester flow). With 1 + p·q·(1 − tanh²) &gt; 0 the left side
/// increases, and as |tanh| &lt; 1 the root lies within |p| of the target.
/// </summary>
internal static class TanhRoot
{
    private const int MaxIterations = 60;
    private const int CheckEvery = 6;

    /// <summary>
    /// log(1 + k·(1 − t²)), the log-slope of these maps, for a product k = p·q &gt; −1 given with 1 + k computed
    /// accurately on its own (<paramref name="onePlusK"/>): where k is near −1 the sum 1 + k·(1 − t²) cancels, and
    /// t² + (1 + k)·(1 − t²), the same number, does not. Each branch gets only inputs where it is finite, so gradients
    /// stay finite too.
    /// </summary>
    public static torch.Tensor LogSlope(torch.Tensor t, torch.Tensor k, torch.Tensor onePlusK)
    {
        var s = 1 - t.square();
        var far = k.gt(-0.5);
        var nearMinusOne = (t.square() + onePlusK * s).log();
        var elsewhere = torch.log1p(s * torch.where(far, k, torch.zeros_like(k)));
        return torch.where(far, elsewhere, nearMinusOne);
    }

    /// <summary>
    /// The root, found without gradient by Newton's method safeguarded by bisection on the bracket, then refined by
    /// one Newton step taken with gradients on: its value is the root, and its derivative the implicit one,
    /// −(∂g/∂θ)/g'(α), so the result is differentiable in the target and the coefficients.
    /// </summary>
    /// <param name="target">The right-hand side.</param>
    /// <param name="p">The coefficient of tanh.</param>
    /// <param name="q">The slope inside tanh; null for 1.</param>
    /// <param name="c">The offset inside tanh.</param>
    public static torch.Tensor Solve(torch.Tensor target, torch.Tensor p, torch.Tensor? q, torch.Tensor c)
    {
        using var scope = torch.NewDisposeScope();
        var root = Bracketed(target, p, q, c);
        var (g, slope) = Residual(root, target, p, q, c);
        return (root - g / slope).MoveToOuterDisposeScope();
    }

    private static (torch.Tensor G, torch.Tensor Slope) Residual(torch.Tensor alpha, torch.Tensor target, torch.Tensor p, torch.Tensor? q, torch.Tensor c)
    {
        var t = torch.tanh(q is null ? alpha + c : q * alpha + c);
        var g = alpha + p * t - target;
        var pq = q is null ? p : p * q;
        var slope = (1 + pq * (1 - t.square())).clamp_min(DistMath.Tiny(target.dtype));
        return (g, slope);
    }

    private static torch.Tensor Bracketed(torch.Tensor target, torch.Tensor p, torch.Tensor? q, torch.Tensor c)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var shape = (q is null ? torch.broadcast_tensors(target, p, c) : torch.broadcast_tensors(target, p, q, c))[0].shape;
        var y = target.expand(shape).detach();
        var pd = p.expand(shape).detach();
        var qd = q?.expand(shape).detach();
        var cd = c.expand(shape).detach();
        var lo = y - pd.abs();
        var hi = y + pd.abs();
        var alpha = y.clone();
        double tolerance = 4 * Epsilon(target.dtype);
        for (int i = 1; i <= MaxIterations; i++)
        {
            using var step = torch.NewDisposeScope();
            var (g, slope) = Residual(alpha, y, pd, qd, cd);
            var newLo = torch.where(g.lt(0), alpha, lo);
            var newHi = torch.where(g.gt(0), alpha, hi);
            var newton = alpha - g / slope;
            var inside = newton.gt(newLo).logical_and(newton.lt(newHi));
            var next = torch.where(inside, newton, (newLo + newHi) / 2);
            bool done = i % CheckEvery == 0
                && (next - alpha).abs().le(tolerance * (1 + y.abs())).all().item<bool>();
            lo = newLo.MoveToOuterDisposeScope();
            hi = newHi.MoveToOuterDisposeScope();
            alpha = next.MoveToOuterDisposeScope();
            if (done)
            {
                break;
            }
        }

        return alpha.MoveToOuterDisposeScope();
    }

    private static double Epsilon(torch.ScalarType dtype) => dtype == torch.ScalarType.Float64 ? 2.220446049250313e-16 : 1.1920929e-7;
}
