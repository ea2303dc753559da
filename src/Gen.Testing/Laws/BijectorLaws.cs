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
    /// <summary>f⁻¹(f(x)) = x and f(f⁻¹(y)) = y at y = f(x).</summary>
    public static void RoundTrips(IBijector bijector, torch.Tensor x, double tolerance = 1e-6)
    {
        ArgumentNullException.ThrowIfNull(bijector);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var y = bijector.ForwardAndLogDet(x).Value;
        var back = bijector.InverseAndLogDet(y).Value;
        Close("round trip f⁻¹(f(x)) = x", bijector, back, x, tolerance);
        var again = bijector.ForwardAndLogDet(back).Value;
        Close("round trip f(f⁻¹(y)) = y", bijector, again, y, tolerance);
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
        var y = result.Value.reshape(batch, -1);
        if (bijector.EventRank == 0)
        {
            // Elementwise: the Jacobian is diagonal, one derivative per element.
            var grad = torch.autograd.grad(new[] { y.sum() }, new[] { input }, retain_graph: true)[0];
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

    /// <summary>The inverse log-determinant at y = f(x) is minus the forward one at x.</summary>
    public static void InverseLogDetIsNegated(IBijector bijector, torch.Tensor x, double tolerance = 1e-6)
    {
        ArgumentNullException.ThrowIfNull(bijector);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var fwd = bijector.ForwardAndLogDet(x);
        var inv = bijector.InverseAndLogDet(fwd.Value);
        Close("inverse log-det = −forward log-det", bijector, inv.LogDet, -fwd.LogDet, tolerance);
    }

    /// <summary>Inverting twice gives a map equal to the original at <paramref name="x"/> (value and log-det).</summary>
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

    /// <summary>Every law above at <paramref name="x"/>.</summary>
    public static void All(IBijector bijector, torch.Tensor x, double tolerance = 1e-6)
    {
        RoundTrips(bijector, x, tolerance);
        LogDetMatchesJacobian(bijector, x, tolerance);
        InverseLogDetIsNegated(bijector, x, tolerance);
        InvertingTwiceIsIdentity(bijector, x, tolerance);
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
