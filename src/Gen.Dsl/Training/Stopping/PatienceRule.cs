using System;

namespace Gen.Dsl;

/// <summary>Early stopping: the run stops after <paramref name="Epochs"/> epochs without a better validation loss (with no validation data it never fires).</summary>
/// <param name="Epochs">Epochs without improvement that end the run (1 or more).</param>
public sealed record PatienceRule(int Epochs) : StopRule
{
    /// <inheritdoc/>
    public override bool StopsAfterEpoch(TrainingState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.ValidationLoss.Count > 0 && state.EpochsSinceBest >= Epochs;
    }

    /// <inheritdoc/>
    public override void Check()
    {
        if (Epochs < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "training: a patience must be 1 epoch or more.");
        }
    }
}
