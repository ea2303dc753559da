using System;

namespace Gen.Dsl;

/// <summary>
/// Training produced a non-finite loss. The message names the step and the loss term; the model's parameters were
/// put back to their values at the end of the last good epoch.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TrainingDivergedException(long step, string term, double value, int restoredEpoch)
        : base($"training diverged at step {step}: loss term '{term}' is {value}. The parameters were restored to the end of " +
               (restoredEpoch == 0 ? "initialisation" : $"epoch {restoredEpoch}") + "; lower the learning rate, clip gradients (TrainingOptions.ClipGradientNorm) or check the data.")
    {
        Step = step;
        Term = term;
        Value = value;
        RestoredEpoch = restoredEpoch;
    }

    /// <summary>The step (from 1) at which the non-finite value was seen.</summary>
    public long Step { get; }

    /// <summary>The loss term that was not finite ("total" for the loss itself).</summary>
    public string Term { get; }

    /// <summary>Its value (NaN or an infinity).</summary>
    public double Value { get; }

    /// <summary>The epoch whose parameters were restored (0: the initial parameters).</summary>
    public int RestoredEpoch { get; }
}
