using System;
using System.Collections.Generic;

namespace Gen.Dsl;

/// <summary>A progress report from <see cref="Trainer"/> (also given to every <see cref="ITrainingCallback"/>).</summary>
/// <param name="Epoch">The current epoch, from 1.</param>
/// <param name="Step">Steps taken so far.</param>
/// <param name="TotalSteps">Steps the run would take without early stopping.</param>
/// <param name="Loss">The mean training loss since the last report: the batches' losses weighted by their sizes (the per-example mean when the loss is a batch mean).</param>
/// <param name="Terms">The mean of each named loss term since the last report.</param>
/// <param name="ValidationLoss">The latest validation loss (mean per example), if validation data was given and evaluated.</param>
/// <param name="ExamplesPerSecond">Training throughput since the last report.</param>
/// <param name="Elapsed">Time since training started.</param>
/// <param name="Remaining">Estimated time to the last step at the current rate.</param>
/// <param name="EndOfEpoch">Whether this report closes an epoch (and carries its validation loss).</param>
public sealed record TrainingProgress(
    int Epoch,
    long Step,
    long TotalSteps,
    double Loss,
    IReadOnlyDictionary<string, double> Terms,
    double? ValidationLoss,
    double ExamplesPerSecond,
    TimeSpan Elapsed,
    TimeSpan Remaining,
    bool EndOfEpoch)
{
    /// <summary>The optimizer's learning rate at the report.</summary>
    public double LearningRate { get; init; }

    /// <summary>
    /// The global L2 norm of the gradients of the report's step, before any clipping; null at the end of an epoch
    /// that does not end on a reporting step.
    /// </summary>
    public double? GradientNorm { get; init; }
}
