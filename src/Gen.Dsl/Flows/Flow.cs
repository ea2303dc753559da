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

    /// <summary>
    /// A flow over events of shape <paramref name="eventShape"/> (any rank: [features], [C, H, W], ...) with no steps
    /// yet, its steps listed from the data to the base (<see cref="FlowDirection.DataToBase"/>), as the RealNVP and
    /// Glow papers write them: steps may reshape the events (<see cref="ImageBij.Squeeze"/>) and send half of them to
    /// the base (<see cref="ImageBij.FactorOut"/>). The base is a standard normal over all the event's numbers
    /// (<see cref="FlowSpec.WithBase"/> changes it); there is no preprocessing (<see cref="FlowSpec.WithPreprocessing"/>).
    /// <see cref="ImageFlow.Over"/> is this over [C, H, W].
    /// </summary>
    /// <exception cref="GenShapeException">The shape is empty or has a size below 1.</exception>
    public static FlowSpec DataToBase(params long[] eventShape)
    {
        ArgumentNullException.ThrowIfNull(eventShape);
        if (eventShape.Length == 0 || Array.Exists(eventShape, d => d < 1))
        {
            throw new GenShapeException("flow", $"event sizes must be positive, got {Shape.Format(eventShape)}.");
        }

        return FlowSpec.ListedDataToBase(eventShape);
    }
}
