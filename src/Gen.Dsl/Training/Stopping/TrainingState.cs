using System;
using System.Collections.Generic;

namespace Gen.Dsl;

/// <summary>Where a <see cref="Trainer"/> run stands when its stop rules are asked.</summary>
/// <param name="Epoch">The epoch under way (from 1); after an epoch, the one that ended.</param>
/// <param name="Step">Optimizer steps taken so far.</param>
/// <param name="Elapsed">Wall time of the run so far, validation included.</param>
/// <param name="TrainingLoss">The mean training loss of each epoch ended so far.</param>
/// <param name="ValidationLoss">The validation loss after each epoch ended so far; empty without validation data.</param>
/// <param name="BestEpoch">The epoch with the lowest validation loss so far (the last epoch ended without validation data; 0 before any ended).</param>
public sealed record TrainingState(
    int Epoch,
    long Step,
    TimeSpan Elapsed,
    IReadOnlyList<double> TrainingLoss,
    IReadOnlyList<double> ValidationLoss,
    int BestEpoch)
{
    /// <summary>Epochs ended since the best validation loss (0 without validation data).</summary>
    public int EpochsSinceBest => ValidationLoss.Count == 0 ? 0 : ValidationLoss.Count - BestEpoch;
}
