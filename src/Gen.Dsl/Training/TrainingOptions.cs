using System;

namespace Gen.Dsl;

/// <summary>How <see cref="Trainer"/> runs: epochs, minibatches, clipping, early stopping, schedule and checks.</summary>
public sealed record TrainingOptions
{
    /// <summary>Passes over the training data (at most; early stopping may end sooner).</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Examples per minibatch; the last, smaller batch of an epoch is kept.</summary>
    public int BatchSize { get; init; } = 100;

    /// <summary>Seed of the minibatch order (each epoch draws a fresh order from it).</summary>
    public long Seed { get; init; }

    /// <summary>When set, gradients are rescaled so their global norm is at most this before each step.</summary>
    public double? ClipGradientNorm { get; init; }

    /// <summary>
    /// When set (and validation data is given), training stops after this many epochs without a better validation
    /// loss, and the parameters of the best epoch are restored.
    /// </summary>
    public int? Patience { get; init; }

    /// <summary>The learning rate at each step (0-based), or null to leave the optimizer's rate as it is.</summary>
    public Func<long, double>? LearningRate { get; init; }

    /// <summary>
    /// When set, the model (and the optimizer's state, when it can save it) is saved there with
    /// <see cref="Model.Save"/> after every epoch — after every epoch that improves the validation loss, when validation
    /// data is given. Writes are atomic, and an epoch's weights replace the file only once a finite loss has been seen at
    /// them (the next checked step's, or the validation loss; the last epoch's are checked to be finite): until then
    /// they wait beside it as <c>.NAME.unconfirmed</c>. So the file always holds the last good model.
    /// </summary>
    public string? CheckpointPath { get; init; }

    /// <summary>
    /// When set, training stops after the first step that ends past this much wall time (validation time counts), as if
    /// that step ended the last epoch: the partial epoch's mean loss is recorded, validation runs, and the best epoch is
    /// restored as with <see cref="Patience"/>. For fixed compute budgets ("train for ten minutes").
    /// </summary>
    public TimeSpan? TimeLimit { get; init; }

    /// <summary>Check every this many steps that the loss and its terms are finite (each check waits for the device).</summary>
    public int CheckFiniteEvery { get; init; } = 1;

    /// <summary>Report progress every this many steps (and at the end of every epoch).</summary>
    public int ProgressEvery { get; init; } = 20;

    internal void Check()
    {
        Positive(Epochs, nameof(Epochs));
        Positive(BatchSize, nameof(BatchSize));
        Positive(CheckFiniteEvery, nameof(CheckFiniteEvery));
        Positive(ProgressEvery, nameof(ProgressEvery));
        if (Patience is int p)
        {
            Positive(p, nameof(Patience));
        }

        if (TimeLimit is TimeSpan t && t <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(TimeLimit), t, "training.TimeLimit must be positive.");
        }

        if (ClipGradientNorm is double c && !(c > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(ClipGradientNorm), c, "training.ClipGradientNorm must be positive.");
        }
    }

    private static void Positive(int value, string name)
    {
        if (value < 1)
        {
            throw new ArgumentOutOfRangeException(name, value, $"training.{name} must be positive.");
        }
    }
}
