using System;

namespace Gen.Dsl;

/// <summary>
/// Training produced a non-finite loss, or weights that are not finite or whose loss is not. The message names the
/// step and the loss term or parameter; the model's parameters, buffers and (where the optimizer can copy it) the
/// optimizer's state were put back to the last good state: the end of the last good epoch, or the start of the training
/// run.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception for a loss term that was not finite at <paramref name="step"/>.</summary>
    public TrainingDivergedException(long step, string term, double value, int restoredEpoch)
        : this($"training diverged at step {step}: loss term '{term}' is {value}.", step, term, value, restoredEpoch)
    {
    }

    private TrainingDivergedException(string what, long step, string term, double value, int restoredEpoch)
        : base($"{what} The parameters and the optimizer's state were restored to " +
               (restoredEpoch == 0 ? "the start of this training run" : $"the end of epoch {restoredEpoch}") +
               "; lower the learning rate, clip gradients (TrainingOptions.ClipGradientNorm) or check the data.")
    {
        Step = step;
        Term = term;
        Value = value;
        RestoredEpoch = restoredEpoch;
    }

    /// <summary>A parameter or buffer held NaN or an infinity after <paramref name="step"/>.</summary>
    internal static TrainingDivergedException InParameters(long step, string name, int restoredEpoch) =>
        new($"training diverged at step {step}: parameter '{name}' holds NaN or an infinity after that step.", step, $"parameter '{name}'", double.NaN, restoredEpoch);

    /// <summary>The step (from 1) at which the non-finite value was seen, or after which it was found.</summary>
    public long Step { get; }

    /// <summary>The loss term that was not finite ("total" for the loss itself), or <c>parameter 'name'</c>.</summary>
    public string Term { get; }

    /// <summary>Its value (NaN or an infinity; NaN for a parameter).</summary>
    public double Value { get; }

    /// <summary>The epoch whose state was restored (0: the start of the training run).</summary>
    public int RestoredEpoch { get; }
}
