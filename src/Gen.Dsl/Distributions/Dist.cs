using System;

namespace Gen.Dsl;

/// <summary>Factories for distribution nodes.</summary>
public static class Dist
{
    /// <summary>N(0, I) over vectors of <paramref name="features"/> coordinates.</summary>
    /// <exception cref="GenShapeException"><paramref name="features"/> is not positive.</exception>
    public static StandardNormalSpec StandardNormal(int features)
    {
        if (features <= 0)
        {
            throw new GenShapeException("dist.standard_normal", $"the number of features must be positive, got {features}.");
        }

        return new StandardNormalSpec(features);
    }

    /// <summary>
    /// A diagonal normal over vectors of <paramref name="features"/> coordinates whose mean and scale
    /// <paramref name="net"/> computes from a context of <paramref name="contextFeatures"/> features; N(0, I) for every
    /// context before training. A flow over it is conditional on that context.
    /// </summary>
    /// <exception cref="GenShapeException">A width is not positive, or the network is ill-formed.</exception>
    public static ConditionalNormalSpec ConditionalNormal(int features, int contextFeatures, MlpSpec net)
    {
        ArgumentNullException.ThrowIfNull(net);
        var spec = new ConditionalNormalSpec(features, contextFeatures, net);
        spec.Check("dist.conditional_normal");
        return spec;
    }
}
