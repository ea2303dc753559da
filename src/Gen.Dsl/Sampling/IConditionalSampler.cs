using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// A differentiable sampler that draws given a class label (a class-conditional GAN's generator), so a class-conditional
/// critic can judge each sample against its label.
/// </summary>
public interface IConditionalSampler : IDifferentiableSampler
{
    /// <summary>The number of classes; labels lie in 0 … Classes − 1.</summary>
    int Classes { get; }

    /// <summary>
    /// Draws one sample per label, [batch, ..SampleShape], in the model's dtype and on its device, differentiable with
    /// respect to the model's parameters.
    /// </summary>
    /// <param name="labels">Class labels, int64 [batch], on the model's device.</param>
    /// <param name="generator">A seeded generator (<see cref="Seed.Generator"/>); the device's global generator when null.</param>
    torch.Tensor RSampleGiven(torch.Tensor labels, torch.Generator? generator = null);
}
