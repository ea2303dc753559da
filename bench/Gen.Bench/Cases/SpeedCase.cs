using System;
using TorchSharp;

namespace Gen.Bench;

/// <summary>
/// A benchmark case: the same model and batch built twice, once as a compiled Gen spec and once as the
/// TorchSharp code an expert would write by hand, so the two can be timed side by side in one process.
/// </summary>
/// <param name="Name">The case's name, as used on the command line and in result files (the PyTorch twin uses the same).</param>
/// <param name="Description">The architecture and batch, for result tables.</param>
/// <param name="Gen">Builds the Gen model's training step on a device with a seed.</param>
/// <param name="HandWritten">Builds the hand-written training step, or null where there is none.</param>
internal sealed record SpeedCase(
    string Name,
    string Description,
    Func<torch.Device, long, TrainStep> Gen,
    Func<torch.Device, long, TrainStep>? HandWritten);
