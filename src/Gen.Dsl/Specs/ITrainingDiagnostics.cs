using System.Collections.Generic;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// A model that can say, from a batch of training data, what in it will train badly without failing (data outside
/// the range a spline acts on, for example). A <see cref="Trainer"/> asks once, on the first batch, and passes each
/// sentence to <see cref="Trainer.Warn"/> and to its callbacks.
/// </summary>
public interface ITrainingDiagnostics
{
    /// <summary>Sentences naming the node and the problem, with the fix; empty when there is nothing to say.</summary>
    /// <param name="batch">A batch of training data, as the loss receives it.</param>
    IReadOnlyList<string> Diagnose(torch.Tensor batch);
}
