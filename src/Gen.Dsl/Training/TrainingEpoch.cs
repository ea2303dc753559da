namespace Gen.Dsl;

/// <summary>An epoch's end, as <see cref="ITrainingCallback.OnEpochEnd"/> sees it.</summary>
/// <param name="Epoch">The epoch, from 1.</param>
/// <param name="Step">Steps taken so far.</param>
/// <param name="TrainingLoss">The epoch's mean training loss per example.</param>
/// <param name="ValidationLoss">The epoch's validation loss, when validation data was given.</param>
/// <param name="IsBest">Whether the validation loss is the best so far (true for every epoch without validation).</param>
/// <param name="Model">The model being trained, at the weights the epoch ended with.</param>
public sealed record TrainingEpoch(int Epoch, long Step, double TrainingLoss, double? ValidationLoss, bool IsBest, TorchSharp.torch.nn.Module Model);
