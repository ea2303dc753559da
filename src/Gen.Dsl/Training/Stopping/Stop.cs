using System;

namespace Gen.Dsl;

/// <summary>
/// Factories for the rules that end a run early (<see cref="TrainingOptions.StopRules"/>), for example
/// <c>StopRules = [Stop.Patience(5), Stop.TimeLimit(TimeSpan.FromMinutes(10))]</c>.
/// </summary>
public static class Stop
{
    /// <summary>Stops after <paramref name="epochs"/> epochs without a better validation loss.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than 1 epoch.</exception>
    public static StopRule Patience(int epochs) => Checked(new PatienceRule(epochs));

    /// <summary>Stops after the first step that ends past <paramref name="limit"/> of wall time.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The limit is not positive.</exception>
    public static StopRule TimeLimit(TimeSpan limit) => Checked(new TimeLimitRule(limit));

    /// <summary>Stops after step <paramref name="steps"/> of the run.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than 1 step.</exception>
    public static StopRule Steps(long steps) => Checked(new StepLimitRule(steps));

    /// <summary>Stops after the first epoch whose validation loss is at most <paramref name="target"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The target is NaN.</exception>
    public static StopRule ValidationReaches(double target)
    {
        if (double.IsNaN(target))
        {
            throw new ArgumentOutOfRangeException(nameof(target), target, "training: a validation target must be a number.");
        }

        return When($"validation loss <= {target}", s => s.ValidationLoss.Count > 0 && s.ValidationLoss[^1] <= target);
    }

    /// <summary>Stops after the first epoch at which <paramref name="condition"/> holds; <paramref name="name"/> says what it is.</summary>
    public static StopRule When(string name, Func<TrainingState, bool> condition)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(condition);
        return new WhenRule(name, condition);
    }

    private static StopRule Checked(StopRule rule)
    {
        rule.Check();
        return rule;
    }
}
