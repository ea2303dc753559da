using System;
using System.Linq;
using TorchSharp;

namespace Gen.Probability.Bijectors;

/// <summary>The affine conditioners of <see cref="MaskedAutoregressive"/> and <see cref="InverseAutoregressive"/>, as elementwise maps.</summary>
internal static class AutoregressiveParameters
{
    private static readonly AffineMap SoftplusAffine = new(AffineScale.Softplus);

    /// <summary>The elementwise affine map with a conditioner's shift and log-scale, checked against the input's shape.</summary>
    public static IBijector Affine(AffineParameters p, torch.Tensor input, string node)
    {
        if (p.Shift is null || p.LogScale is null
            || !p.Shift.shape.AsSpan().SequenceEqual(input.shape) || !p.LogScale.shape.AsSpan().SequenceEqual(input.shape))
        {
            throw new GenShapeException($"{node}.conditioner",
                $"must return shift and log-scale of the input's shape {Shape.Format(input.shape)}, got {Shape.Format(p.Shift?.shape ?? Array.Empty<long>())} and {Shape.Format(p.LogScale?.shape ?? Array.Empty<long>())}.");
        }

        return new ElementwiseAffine(p.Shift, p.LogScale);
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

            return new AffineParameters(output.select(-1, 0), SoftplusAffine.LogScale(output.select(-1, 1)));
        };
    }
}
