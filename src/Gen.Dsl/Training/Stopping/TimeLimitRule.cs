using System;

namespace Gen.Dsl;

/// <summary>A fixed compute budget: the run stops after the first step that ends past <paramref name="Limit"/> of wall time (validation time counts).</summary>
/// <param name="Limit">The wall time (positive).</param>
public sealed record TimeLimitRule(TimeSpan Limit) : StopRule
{
    /// <inheritdoc/>
    public override bool ChecksSteps => true;

    /// <inheritdoc/>
    public override bool StopsAfterStep(TrainingState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Elapsed >= Limit;
    }

    /// <inheritdoc/>
    public override void Check()
    {
        if (Limit <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(Limit), Limit, "training: a time limit must be positive.");
        }
    }
}
