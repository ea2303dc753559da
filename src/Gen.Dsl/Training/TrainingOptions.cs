using System;
using System.Collections.Generic;
using System.Linq;

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
    /// loss, and the parameters of the best epoch are restored: the same as <c>Stop.Patience(n)</c> among
    /// <see cref="StopRules"/>.
    /// </summary>
    public int? Patience { get; init; }

    /// <summary>
    /// Rules that end the run before its last epoch (<see cref="Stop"/>: patience, a time or step budget, a validation
    /// target, a condition of your own), asked in order; the first that fires ends the run and is reported as
    /// <see cref="TrainingResult.StoppedBy"/>. With validation data and any rule (these, <see cref="Patience"/> or
    /// <see cref="TimeLimit"/>), the run ends with the parameters of its best validation epoch.
    /// </summary>
    public IReadOnlyList<StopRule> StopRules { get; init; } = Array.Empty<StopRule>();

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
    /// When set, the run can be resumed: after every epoch (at most once per <see cref="ResumeInterval"/>) its whole
    /// state goes into this folder (created when missing): the weights, the optimizer's state, the epoch and step, the
    /// losses so far, the best epoch's weights, the wall time spent and the states of the random generators (the
    /// minibatch order's, TorchSharp's global one and <see cref="Trainer.Generators"/>). When the folder holds a
    /// state, <c>Fit</c> goes on from it, with the model and optimizer built as before: a run killed or cancelled at
    /// any moment loses only the epochs since its last save, and on the CPU goes on with the same numbers as if it had
    /// never stopped. An epoch's state becomes the one to resume from only once its weights are confirmed good (as for
    /// <see cref="CheckpointPath"/>). A run that already finished (its epochs done, or a stop rule met) returns at once.
    /// </summary>
    public string? ResumeDirectory { get; init; }

    /// <summary>
    /// With <see cref="ResumeDirectory"/>, the least wall time between two saves of the run's state (an epoch's end
    /// saves only when this much has passed since the last save; the run's last epoch always saves). Null saves every
    /// epoch.
    /// </summary>
    public TimeSpan? ResumeInterval { get; init; }

    /// <summary>
    /// When set, training stops after the first step that ends past this much wall time (validation time counts), as if
    /// that step ended the last epoch: the partial epoch's mean loss is recorded, validation runs, and the best epoch is
    /// restored as with <see cref="Patience"/>. For fixed compute budgets ("train for ten minutes"). The same as
    /// <c>Stop.TimeLimit(t)</c> among <see cref="StopRules"/>.
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

        if (StopRules is null || StopRules.Any(r => r is null))
        {
            throw new ArgumentException("training.StopRules must be a list of rules, without nulls.", nameof(StopRules));
        }

        foreach (var rule in StopRules)
        {
            rule.Check();
        }

        if (ResumeInterval is TimeSpan r && r < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ResumeInterval), r, "training.ResumeInterval must be zero or more.");
        }

        if (ResumeDirectory is { Length: 0 })
        {
            throw new ArgumentException("training.ResumeDirectory must name a folder.", nameof(ResumeDirectory));
        }

        if (ClipGradientNorm is double c && !(c > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(ClipGradientNorm), c, "training.ClipGradientNorm must be positive.");
        }
    }

    /// <summary>Every stop rule of the run: <see cref="Patience"/> and <see cref="TimeLimit"/> as rules, then <see cref="StopRules"/>.</summary>
    internal IReadOnlyList<StopRule> Rules()
    {
        var rules = new List<StopRule>();
        if (Patience is int p)
        {
            rules.Add(new PatienceRule(p));
        }

        if (TimeLimit is TimeSpan t)
        {
            rules.Add(new TimeLimitRule(t));
        }

        rules.AddRange(StopRules);
        return rules;
    }

    private static void Positive(int value, string name)
    {
        if (value < 1)
        {
            throw new ArgumentOutOfRangeException(name, value, $"training.{name} must be positive.");
        }
    }
}
