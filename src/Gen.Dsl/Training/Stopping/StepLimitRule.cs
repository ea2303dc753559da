using System;

namespace Gen.Dsl;

/// <summary>A budget of optimizer steps, as papers that train for "N updates" state it: the run stops after step <paramref name="Steps"/>.</summary>
/// <param name="Steps">Steps in the whole run (1 or more).</param>
public sealed record StepLimitRule(long Steps) : StopRule
{
    /// <inheritdoc/>
    public override bool ChecksSteps => true;

    /// <inheritdoc/>
    public override bool StopsAfterStep(TrainingState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Step >= Steps;
    }

    /// <inheritdoc/>
    public override void Check()
    {
        if (Steps < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Steps), Steps, "training: a step limit must be 1 step or more.");
        }
    }
}
