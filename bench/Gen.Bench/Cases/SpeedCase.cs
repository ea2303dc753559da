using System;
using TorchSharp;

namespace Gen.Bench;

/// <summary>
/// A benchmark case: the same model and batch built twice, once as a compiled Gen spec and once as the
/// TorchSharp code an expert would write by hand from the same weights, so the two can be timed side by side in
/// one process.
/// </summary>
/// <param name="Name">The case's name, as used on the command line and in result files (the PyTorch twin uses the same).</param>
/// <param name="Description">The architecture and batch, for result tables.</param>
/// <param name="Batch">Rows (or images) per step.</param>
/// <param name="Flops">The analytic operation count of one pass over the batch, or null where none is given.</param>
/// <param name="Gen">Builds the Gen model's training step on a device with a seed.</param>
/// <param name="HandWritten">Builds the hand-written training step, or null where there is none.</param>
internal sealed record SpeedCase(
    string Name,
    string Description,
    long Batch,
    FlopCount? Flops,
    Func<torch.Device, long, TrainStep> Gen,
    Func<torch.Device, long, TrainStep>? HandWritten)
{
    /// <summary>Whether a step is a round of a two-player game (a GAN), which has no phases to break down.</summary>
    public bool TwoPlayers { get; init; }
}
