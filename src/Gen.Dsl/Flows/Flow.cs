using System;

namespace Gen.Dsl;

/// <summary>Entry point for flow specs.</summary>
public static class Flow
{
    /// <summary>A flow with no steps yet over <paramref name="baseDistribution"/>.</summary>
    public static FlowSpec Over(DistSpec baseDistribution)
    {
        ArgumentNullException.ThrowIfNull(baseDistribution);
        if (baseDistribution.EventShape.Length != 1)
        {
            throw new GenShapeException("flow.base", $"vector flows need events of rank 1, got {Shape.Format(baseDistribution.EventShape)}.");
        }

        return new FlowSpec(baseDistribution, ValueList<BijSpec>.Empty);
    }
}
