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
}
