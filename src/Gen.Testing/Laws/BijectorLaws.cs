using System;
using System.Globalization;
using System.Linq;
using Gen.Probability;
using TorchSharp;

namespace Gen.Testing;

/// <summary>
/// Laws every bijector must satisfy. Each check throws <see cref="LawViolationException"/> with the numbers that
/// disagree; run them in float64 on small events (the Jacobian check costs one backward pass per output).
/// </summary>
public static class BijectorLaws
{
    /// <summary>
    /// f⁻¹(f(x)) = x and f(f⁻¹(y)) = y at y = f(x). Each direction is given a copy of the other's output, so that a
    /// bijector that remembers the tensors it returned (and answers the inverse from memory) is still checked.
    /// </summary>
    public static void RoundTrips(IBijector bijector, torch.Tensor x, double tolerance = 1e-6)
    {
        ArgumentNullException.ThrowIfNull(bijector);
        RequireInput(x);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var y = bijector.ForwardAndLogDet(x).Value;
        var back = bijector.InverseAndLogDet(y.clone()).Value;
        Close("round trip f⁻¹(f(x)) = x", bijector, back, x, tolerance);
        var again = bijector.ForwardAndLogDet(back.clone()).Value;
        Close("round trip f(f⁻¹(y)) = y", bijector, again, y, tolerance);
    }

    /// <summary>
    /// The shapes are what the bijector declares: f(x) has <see cref="IBijector.ForwardShape"/> of x's shape, f⁻¹ maps it
    /// back to x's shape, and each log-determinant has one value per batch element (x's shape without its last
    /// <see cref="IBijector.EventRank"/> dimensions).
    /// </summary>
    public static void DeclaresItsShapes(IBijector bijector, torch.Tensor x)
    {
        ArgumentNullException.ThrowIfNull(bijector);
        RequireInput(x);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var fwd = bijector.ForwardAndLogDet(x);
        var batch = x.shape[..^bijector.EventRank];
        SameShape("f(x)", bijector, fwd.Value.shape, bijector.ForwardShape(x.shape));
        SameShape("the forward log-det", bijector, fwd.LogDet.shape, batch);
        var inv = bijector.InverseAndLogDet(fwd.Value.clone());
        SameShape("f⁻¹(y)", bijector, inv.Value.shape, x.shape);
        SameShape("the inverse log-det", bijector, inv.LogDet.shape, batch);
    }

    /// <summary>A bijector that declares itself volume-preserving (<see cref="IBijector.IsVolumePreserving"/>) has log-determinant 0: chains skip its log-determinant on that word.</summary>
    public static void VolumePreservingHasZeroLogDet(IBijector bijector, torch.Tensor x, double tolerance = 1e-6)
    {
        ArgumentNullException.ThrowIfNull(bijector);
        RequireInput(x);
        if (!bijector.IsVolumePreserving)
        {
            return;
        }

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var ld = bijector.ForwardAndLogDet(x).LogDet;
        Close("volume-preserving ⇒ log-det = 0", bijector, ld, torch.zeros_like(ld), tolerance);
    }

    /// <summary>
    /// The log-determinant returned by <see cref="IBijector.ForwardAndLogDet"/> equals log|det ∂f/∂x| computed from the
    /// Jacobian that autograd gives, for every batch element. <paramref name="x"/> has shape [batch, ...event].
    /// </summary>
    public static void LogDetMatchesJacobian(IBijector bijector, torch.Tensor x, double tolerance = 1e-6)
    {
        ArgumentNullException.ThrowIfNull(bijector);
        ArgumentNullException.ThrowIfNull(x);
        using var scope = torch.NewDisposeScope();
        var input = x.detach().clone().requires_grad_(true);
        var result = bijector.ForwardAndLogDet(input);
        long batch = x.shape[0];
        if (!result.LogDet.shape.SequenceEqual(x.shape[..^bijector.EventRank]))
        {
            throw new LawViolationException($"{Describe(bijector)}: log-det has shape {Shape.Format(result.LogDet.shape)}, expected one value per batch element, {Shape.Format(x.shape[..^bijector.EventRank])}.");
        }

        var y = result.Value.reshape(batch, -1);
        if (bijector.EventRank == 0)
        {
            // Elementwise: the Jacobian is diagonal, one derivative per element. The gradient of Σ y gives column sums
            // of the Jacobian, which equal the diagonal only if the map really is elementwise; weighting the outputs
            // by distinct numbers w must then scale each column sum by its own w, which a map that mixes entries fails.
            var grad = torch.autograd.grad(new[] { y.sum() }, new[] { input }, retain_graph: true)[0];
            var weights = 1 + torch.arange(y.numel(), dtype: torch.float64, device: y.device).remainder(7).div(7).reshape(result.Value.shape).to(y.dtype);
            var weighted = torch.autograd.grad(new[] { (result.Value * weights).sum() }, new[] { input }, retain_graph: true)[0];
            Close("an elementwise map's Jacobian is diagonal (event rank 0)", bijector, weighted, grad * weights, tolerance);
            Close("log-det = log|f'(x)| (elementwise)", bijector, result.LogDet, grad.abs().log(), tolerance);
            return;
        }

        long n = y.shape[1];
        long m = input.reshape(batch, -1).shape[1];
        if (n != m)
        {
            throw new LawViolationException($"{Describe(bijector)}: maps {m} numbers per event to {n}; a bijection keeps the count.");
        }

        var rows = new torch.Tensor[n];
        for (long j = 0; j < n; j++)
        {
            rows[j] = torch.autograd.grad(new[] { y[.., j].sum() }, new[] { input }, retain_graph: true)[0].reshape(batch, -1);
        }

        var jacobian = torch.stack(rows, 1); // [batch, out, in]
        var expected = torch.linalg.slogdet(jacobian).Item2;
        var actual = result.LogDet.reshape(batch, -1);
        if (actual.shape[1] != 1)
        {
            throw new LawViolationException($"{Describe(bijector)}: log-det has shape {Shape.Format(result.LogDet.shape)}, expected one value per batch element ({batch}).");
        }

        Close("log-det = log|det J| from autograd", bijector, actual.reshape(batch), expected, tolerance);
    }

    /// <summary>The inverse log-determinant at y = f(x) is minus the forward one at x (the inverse is given a copy of y).</summary>
    public static void InverseLogDetIsNegated(IBijector bijector, torch.Tensor x, double tolerance = 1e-6)
    {
        ArgumentNullException.ThrowIfNull(bijector);
        RequireInput(x);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var fwd = bijector.ForwardAndLogDet(x);
        var inv = bijector.InverseAndLogDet(fwd.Value.clone());
        Close("inverse log-det = −forward log-det", bijector, inv.LogDet, -fwd.LogDet, tolerance);
    }

    /// <summary>Inverting twice gives a map equal to the original at <paramref name="x"/> (value and log-det).</summary>
    [Obsolete("Always holds: Inverted() of an inverted bijector is the original object. All no longer runs it.")]
    public static void InvertingTwiceIsIdentity(IBijector bijector, torch.Tensor x, double tolerance = 1e-9)
    {
        ArgumentNullException.ThrowIfNull(bijector);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var twice = bijector.Inverted().Inverted();
        var a = bijector.ForwardAndLogDet(x);
        var b = twice.ForwardAndLogDet(x);
        Close("(f⁻¹)⁻¹ = f (value)", bijector, b.Value, a.Value, tolerance);
        Close("(f⁻¹)⁻¹ = f (log-det)", bijector, b.LogDet, a.LogDet, tolerance);
    }

    /// <summary>Every law above at <paramref name="x"/>: shapes, round trips, the log-determinant against autograd, its inverse, and volume preservation where declared.</summary>
    public static void All(IBijector bijector, torch.Tensor x, double tolerance = 1e-6)
    {
        DeclaresItsShapes(bijector, x);
        RoundTrips(bijector, x, tolerance);
        LogDetMatchesJacobian(bijector, x, tolerance);
        InverseLogDetIsNegated(bijector, x, tolerance);
        VolumePreservingHasZeroLogDet(bijector, x, tolerance);
    }

    private static void RequireInput(torch.Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.dim() == 0 || x.numel() == 0)
        {
            throw new ArgumentException($"The bijector laws need a non-empty batch [batch, ...event], got shape {Shape.Format(x.shape)}.", nameof(x));
        }
    }

    private static void SameShape(string what, IBijector bijector, long[] actual, long[] expected)
    {
        if (!actual.SequenceEqual(expected))
        {
            throw new LawViolationException($"{Describe(bijector)}: {what} has shape {Shape.Format(actual)}, expected {Shape.Format(expected)}.");
        }
    }

    internal static string Describe(object component) => component.ToString() ?? component.GetType().Name;

    internal static void Close(string law, object component, torch.Tensor actual, torch.Tensor expected, double tolerance)
    {
        if (!actual.shape.SequenceEqual(expected.shape))
        {
            throw new LawViolationException($"{law} fails for {Describe(component)}: shapes {Shape.Format(actual.shape)} and {Shape.Format(expected.shape)} differ.");
        }

        using var scope = torch.NewDisposeScope();
        var a = actual.detach().to(torch.float64);
        var e = expected.detach().to(torch.float64);
        var error = (a - e).abs() - tolerance * (1.0 + e.abs());
        var bothInfinite = a.isinf().logical_and(e.isinf()).logical_and(a.eq(e));
        error = error.masked_fill(bothInfinite, 0.0);
        if (error.isnan().any().item<bool>() || error.max().ToDouble() > 0)
        {
            var worst = error.nan_to_num(nan: double.PositiveInfinity).flatten().argmax().item<long>();
            var av = a.flatten()[worst].ToDouble();
            var ev = e.flatten()[worst].ToDouble();
            throw new LawViolationException(string.Create(CultureInfo.InvariantCulture,
                $"{law} fails for {Describe(component)}: at flat index {worst}, got {av:R}, expected {ev:R} (tolerance {tolerance:R} relative+absolute)."));
        }
    }
}
