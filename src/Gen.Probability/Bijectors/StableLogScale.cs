using System;
using TorchSharp;

namespace Gen.Probability.Bijectors;

/// <summary>
/// Turns a network's unconstrained output into a log-scale for an affine autoregressive layer:
/// scale = softplus(raw + c) + 10⁻³, with c chosen so that raw = 0 gives scale 1 (a zero-initialised network is the
/// identity). The scale grows linearly, not exponentially, in the network's output and never falls below 10⁻³, so a
/// single large output cannot overflow the forward map or its inverse.
/// </summary>
public static class StableLogScale
{
    /// <summary>The smallest scale.</summary>
    public const double MinScale = 1e-3;

    // softplus(Offset) = 1 − MinScale, so the scale at raw = 0 is exactly 1.
    private static readonly double Offset = Math.Log(Math.Exp(1 - MinScale) - 1);

    /// <summary>log(softplus(<paramref name="raw"/> + c) + 10⁻³), elementwise, in the dtype of <paramref name="raw"/>.</summary>
    /// <param name="raw">The unconstrained network output.</param>
    public static torch.Tensor FromUnconstrained(torch.Tensor raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        using var scope = torch.NewDisposeScope();
        return (torch.nn.functional.softplus(raw + Offset) + MinScale).log().MoveToOuterDisposeScope();
    }
}
