using System;
using System.Collections.Generic;
using System.IO;
using TorchSharp.Modules;

namespace Gen.Optimization;

/// <summary>
/// What a training loop needs from an optimizer: clear gradients, take a step, and a learning rate to schedule; and,
/// for checkpoints and for undoing a failed step, a way to copy, save and load its state. <see cref="FusedAdam"/>
/// implements it; <see cref="TorchOptimizer"/> adapts any <c>torch.optim</c> optimizer, state included.
/// </summary>
public interface IStepOptimizer : IDisposable
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

    /// <summary>
    /// The name of the format <see cref="SaveState"/> writes, such as the optimizer's type name, or null when the
    /// optimizer cannot save its state (the default; checkpoints then hold none). A checkpoint records it, and loading
    /// state into an optimizer of another format is refused.
    /// </summary>
    string? StateFormat => null;

    /// <summary>The parameters it trains, in the order its saved state lists them (a checkpoint ties them to the model's parameter names).</summary>
    IReadOnlyList<Parameter> TrainedParameters => Array.Empty<Parameter>();

    /// <summary>Writes the optimizer's state (hyper-parameters, step counts, moment estimates) to <paramref name="stream"/>.</summary>
    /// <param name="stream">Where to write.</param>
    /// <exception cref="NotSupportedException">The optimizer cannot save its state (<see cref="StateFormat"/> is null).</exception>
    void SaveState(Stream stream) => throw new NotSupportedException($"{GetType().Name} cannot save its state.");

    /// <summary>Reads state written by <see cref="SaveState"/> of an optimizer of the same format over parameters of the same shapes.</summary>
    /// <param name="stream">The state, exactly as written.</param>
    /// <exception cref="NotSupportedException">The optimizer cannot load state (<see cref="StateFormat"/> is null).</exception>
    /// <exception cref="InvalidDataException">The state does not fit this optimizer.</exception>
    void LoadState(Stream stream) => throw new NotSupportedException($"{GetType().Name} cannot load a state.");
}
