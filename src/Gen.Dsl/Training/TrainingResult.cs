using System.Collections.Generic;

namespace Gen.Dsl;

/// <summary>What a <see cref="Trainer"/> run did.</summary>
/// <param name="Epochs">Epochs completed.</param>
/// <param name="Steps">Optimizer steps taken.</param>
/// <param name="TrainingLoss">Mean training loss of each epoch: the batches' losses weighted by their sizes (the per-example mean when the loss is a batch mean).</param>
/// <param name="ValidationLoss">Validation loss (mean per example) after each epoch; empty without validation data.</param>
/// <param name="BestEpoch">The epoch (from 1) whose parameters the model holds at the end: the best validation epoch when
/// early stopping restored it, else the last.</param>
/// <param name="StoppedEarly">Whether a stop rule other than a time limit ended the run (early stopping, a step budget, a target).</param>
/// <param name="ReachedTimeLimit">Whether a time limit (<see cref="TrainingOptions.TimeLimit"/>, <see cref="Stop.TimeLimit"/>) ended the run (its last epoch may be partial).</param>
/// <param name="Elapsed">Wall time of the run, validation included (of every session of a resumed run).</param>
public sealed record TrainingResult(
    int Epochs,
    long Steps,
    IReadOnlyList<double> TrainingLoss,
    IReadOnlyList<double> ValidationLoss,
    int BestEpoch,
    bool StoppedEarly,
    bool ReachedTimeLimit,
    System.TimeSpan Elapsed)
{
    /// <summary>The stop rule that ended the run, or null when it ran all its epochs.</summary>
    public StopRule? StoppedBy { get; init; }
}
