using System;
using Gen.Probability.Bijectors;

namespace Gen.Dsl;

/// <summary>
/// Factories for the steps of image flows (<see cref="ImageFlow"/>), typed as the step base <see cref="BijSpec"/> so that
/// they mix with any other step in one list (in F#, <c>[ ImageBij.Squeeze(); Bij.ActNorm() ]</c>).
/// </summary>
public static class ImageBij
{
    /// <summary>The 2×2 squeeze: [C, H, W] becomes [4C, H/2, W/2].</summary>
    public static BijSpec Squeeze() => new SqueezeSpec();

    /// <summary>Glow's ActNorm: a per-channel affine map initialised from the first batch.</summary>
    public static BijSpec ActNorm() => new ActNormSpec();

    /// <summary>Glow's invertible 1×1 convolution, LU-parametrised when <paramref name="lu"/> (the default).</summary>
    public static BijSpec Conv1x1(bool lu = true) => new Conv1x1Spec(lu);

    /// <summary>
    /// The affine coupling of RealNVP and Glow with a convolutional conditioner: <see cref="Bij.Coupling"/> with
    /// <c>Univariate.Affine(AffineScale.Tanh)</c> and a learnt log-scale factor per channel (<see cref="CouplingSpec.LearntScale"/>).
    /// </summary>
    /// <exception cref="GenShapeException">The network's sizes are invalid.</exception>
    public static BijSpec AffineCoupling(ImageMaskSpec mask, ConvResNetSpec net) => Coupling(mask, net, TanhAffine) with { LearntScale = true };

    /// <summary>NICE's additive coupling with a convolutional conditioner (volume-preserving): <see cref="Bij.Coupling"/> with <see cref="Univariate.Shift"/>.</summary>
    /// <exception cref="GenShapeException">The network's sizes are invalid.</exception>
    public static BijSpec AdditiveCoupling(ImageMaskSpec mask, ConvResNetSpec net) => Coupling(mask, net, Univariate.Shift());

    /// <summary>Sends half the channels to the base; the following steps see the other half.</summary>
    public static BijSpec FactorOut() => new FactorOutSpec();

    private static readonly AffineMap TanhAffine = new(AffineScale.Tanh);

    private static CouplingSpec Coupling(ImageMaskSpec mask, ConvResNetSpec net, UnivariateMap map)
    {
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(net);
        net.Check("coupling.net");
        return new CouplingSpec(mask, net, map);
    }
}
