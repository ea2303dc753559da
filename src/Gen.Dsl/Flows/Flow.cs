using System;

namespace Gen.Dsl;

/// <summary>Entry point for flow specs.</summary>
public static partial class Flow
{
    /// <summary>
    /// A flow with no steps yet over <paramref name="baseDistribution"/>; conditional on a context when the base
    /// distribution reads one (<see cref="Dist.ConditionalNormal"/>), otherwise until <see cref="FlowSpec.WithContext"/>.
    /// </summary>
    public static FlowSpec Over(DistSpec baseDistribution)
    {
        ArgumentNullException.ThrowIfNull(baseDistribution);
        if (baseDistribution.EventShape.Length != 1)
        {
            throw new GenShapeException("flow.base", $"vector flows need events of rank 1, got {Shape.Format(baseDistribution.EventShape)}.");
        }

        // A base that reads a context makes the flow conditional on it.
        return new FlowSpec(baseDistribution, ValueList<BijSpec>.Empty) { ContextFeatures = baseDistribution.ContextFeatures };
    }
}
