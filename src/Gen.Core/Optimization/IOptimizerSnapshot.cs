using System;

namespace Gen.Optimization;

/// <summary>
/// A copy of an optimizer's state (moment estimates, step counts, learning rate) taken by
/// <see cref="IStepOptimizer.Snapshot"/>, to put back after a failed step: a trainer that restores a model's
/// parameters after its loss turned NaN restores the optimizer with them, or the next step fails again from moments
/// the bad step poisoned.
/// </summary>
public interface IOptimizerSnapshot : IDisposable
{
    /// <summary>Puts the optimizer's state back as it was when the snapshot was taken; may be called more than once.</summary>
    void Restore();
}
