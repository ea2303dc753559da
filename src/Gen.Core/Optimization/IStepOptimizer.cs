namespace Gen.Optimization;

/// <summary>
/// What a training loop needs from an optimizer: clear gradients, take a step, and a learning rate to schedule.
/// <see cref="FusedAdam"/> implements it; <see cref="TorchOptimizer"/> adapts any <c>torch.optim</c> optimizer.
/// </summary>
public interface IStepOptimizer : System.IDisposable
{
    /// <summary>The step size used by the next <see cref="Step"/>.</summary>
    double LearningRate { get; set; }

    /// <summary>Clears the gradients of the parameters it trains.</summary>
    void ZeroGrad();

    /// <summary>Updates the parameters from their gradients.</summary>
    void Step();

    /// <summary>
    /// A copy of the optimizer's state that can be put back later, or null when the optimizer cannot copy its state
    /// (the default): a trainer then restores only the parameters after a failed step. <see cref="FusedAdam"/> copies
    /// its moment estimates, step counts and learning rate.
    /// </summary>
    IOptimizerSnapshot? Snapshot() => null;
}
