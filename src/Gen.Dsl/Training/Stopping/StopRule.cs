using System;

namespace Gen.Dsl;

/// <summary>
/// A rule that ends a <see cref="Trainer"/> run before its last epoch, as a value (from <see cref="Stop"/>, or a record
/// of your own): asked after every epoch, and after every step when <see cref="ChecksSteps"/>. A run stops at the first
/// rule that says so; a rule that stops it after a step ends that epoch there (its partial loss is recorded and
/// validated). With validation data and any stop rule, the run ends with the parameters of its best validation epoch.
/// </summary>
public abstract record StopRule
{
    /// <summary>Creates the rule.</summary>
    protected StopRule()
    {
    }

    /// <summary>Whether <see cref="StopsAfterStep"/> is asked after every step (a rule that looks only at epochs leaves it false and costs nothing per step).</summary>
    public virtual bool ChecksSteps => false;

    /// <summary>Whether the run stops after the step just taken.</summary>
    /// <param name="state">The run, with <see cref="TrainingState.Step"/> counting that step.</param>
    public virtual bool StopsAfterStep(TrainingState state) => false;

    /// <summary>Whether the run stops after the epoch that just ended (its validation loss, if any, included).</summary>
    /// <param name="state">The run, with the ended epoch's losses in its lists.</param>
    public virtual bool StopsAfterEpoch(TrainingState state) => false;

    /// <summary>Checks the rule's settings before the run starts; throws <see cref="ArgumentOutOfRangeException"/> naming the bad one. Nothing to check by default.</summary>
    public virtual void Check()
    {
    }
}
