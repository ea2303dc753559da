using System;
using System.Linq;
using TorchSharp;

namespace Gen.Probability.Bijectors;

/// <summary>
/// The two passes shared by MAF and IAF. An autoregressive conditioner gives (t, s) for position i from the values
/// at earlier positions only, so the affine map z ↦ z·exp(s) + t has a triangular Jacobian with diagonal exp(s).
/// When the conditioner reads the side already known, one pass suffices; otherwise the map is solved by D fixed-point
/// passes: after pass k the first k positions in the conditioner's order are exact, whatever that order is.
/// </summary>
internal static class AutoregressiveAffine
{
    /// <summary>x = u·exp(s(c)) + t(c) where the conditioner reads <paramref name="conditionOn"/>; log-det Σs.</summary>
    public static Transformed ScaleUp(torch.Tensor u, torch.Tensor conditionOn, Func<torch.Tensor, AffineParameters> conditioner, string node)
    {
        var p = Parameters(conditioner, conditionOn, node);
        return new Transformed(u * p.LogScale.exp() + p.Shift, p.LogScale.sum(-1));
    }

    /// <summary>u = (x − t(c))·exp(−s(c)) where the conditioner reads <paramref name="conditionOn"/>; log-det −Σs.</summary>
    public static Transformed ScaleDown(torch.Tensor x, torch.Tensor conditionOn, Func<torch.Tensor, AffineParameters> conditioner, string node)
    {
        var p = Parameters(conditioner, conditionOn, node);
        return new Transformed((x - p.Shift) * (-p.LogScale).exp(), -p.LogScale.sum(-1));
    }

    /// <summary>
    /// Solves z = step(z) by D passes, where step is <see cref="ScaleUp"/> or <see cref="ScaleDown"/> conditioned on
    /// the current z. The log-det of the last pass is exact: position i's parameters read positions before i, which
    /// were exact after pass D − 1.
    /// </summary>
    public static Transformed Solve(torch.Tensor given, Func<torch.Tensor, AffineParameters> conditioner, bool scaleUp, string node)
    {
        long d = given.shape[^1];
        var z = torch.zeros_like(given);
        var result = new Transformed(z, torch.zeros(given.shape[..^1], dtype: given.dtype, device: given.device));
        for (long pass = 0; pass < d; pass++)
        {
            result = scaleUp ? ScaleUp(given, result.Value, conditioner, node) : ScaleDown(given, result.Value, conditioner, node);
        }

        return result;
    }

    /// <summary>
    /// A conditioner from a network whose output has shape [..., D, 2]: the shift, then the unconstrained
    /// log-scale, mapped through <see cref="StableLogScale"/>.
    /// </summary>
    public static Func<torch.Tensor, AffineParameters> FromNetwork(torch.nn.Module<torch.Tensor, torch.Tensor> network, string node)
    {
        ArgumentNullException.ThrowIfNull(network);
        return x =>
        {
            var output = network.forward(x);
            var expected = x.shape.Append(2L).ToArray();
            if (!output.shape.AsSpan().SequenceEqual(expected))
            {
                throw new GenShapeException($"{node}.network",
                    $"must map [..., D] to [..., D, 2] (shift and unconstrained log-scale): for an input of shape {Shape.Format(x.shape)} it should give {Shape.Format(expected)}, but gave {Shape.Format(output.shape)}.");
            }

            return new AffineParameters(output.select(-1, 0), StableLogScale.FromUnconstrained(output.select(-1, 1)));
        };
    }

    /// <summary>One pass conditioned on <paramref name="z"/> itself (checked, in its own dispose scope).</summary>
    public static Transformed OnePass(torch.Tensor z, Func<torch.Tensor, AffineParameters> conditioner, bool scaleUp, string node)
    {
        CheckInput(z, node);
        using var scope = torch.NewDisposeScope();
        var r = scaleUp ? ScaleUp(z, z, conditioner, node) : ScaleDown(z, z, conditioner, node);
        return new Transformed(r.Value.MoveToOuterDisposeScope(), r.LogDet.MoveToOuterDisposeScope());
    }

    /// <summary><see cref="Solve"/>, checked, in its own dispose scope.</summary>
    public static Transformed Solved(torch.Tensor z, Func<torch.Tensor, AffineParameters> conditioner, bool scaleUp, string node)
    {
        CheckInput(z, node);
        using var scope = torch.NewDisposeScope();
        var r = Solve(z, conditioner, scaleUp, node);
        return new Transformed(r.Value.MoveToOuterDisposeScope(), r.LogDet.MoveToOuterDisposeScope());
    }

    /// <summary>Checks the event shape of an input.</summary>
    private static void CheckInput(torch.Tensor value, string node)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.dim() < 1 || value.shape[^1] < 1)
        {
            throw new GenShapeException(node, $"expects vector events [..., features], got a tensor of shape {Shape.Format(value.shape)}.");
        }
    }

    private static AffineParameters Parameters(Func<torch.Tensor, AffineParameters> conditioner, torch.Tensor input, string node)
    {
        var p = conditioner(input);
        if (p.Shift is null || p.LogScale is null
            || !p.Shift.shape.AsSpan().SequenceEqual(input.shape) || !p.LogScale.shape.AsSpan().SequenceEqual(input.shape))
        {
            throw new GenShapeException($"{node}.conditioner",
                $"must return shift and log-scale of the input's shape {Shape.Format(input.shape)}, got {Shape.Format(p.Shift?.shape ?? Array.Empty<long>())} and {Shape.Format(p.LogScale?.shape ?? Array.Empty<long>())}.");
        }

        return p;
    }
}
