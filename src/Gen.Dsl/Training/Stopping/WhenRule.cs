using System;

namespace Gen.Dsl;

/// <summary>A condition of your own on the run, asked after every epoch: it stops when <paramref name="Condition"/> is true (for example a validation loss reached).</summary>
/// <param name="Name">What the condition is, for <see cref="TrainingResult.StoppedBy"/> and messages.</param>
/// <param name="Condition">The condition.</param>
public sealed record WhenRule(string Name, Func<TrainingState, bool> Condition) : StopRule
{
    /// <inheritdoc/>
    public override bool StopsAfterEpoch(TrainingState state) => Condition(state);

    /// <inheritdoc/>
    public override void Check()
    {
        if (Condition is null)
        {
            throw new ArgumentOutOfRangeException(nameof(Condition), "training: a stop condition needs a function.");
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"When({Name})";
}
