using TorchSharp;

namespace Gen.Probability;

/// <summary>The result of applying a bijector: the image and log|det J| of the map at the input, one value per event.</summary>
/// <param name="Value">The transformed value.</param>
/// <param name="LogDet">log|det ∂Value/∂input|, with the batch shape of the input (event dimensions summed out).</param>
public readonly record struct Transformed(torch.Tensor Value, torch.Tensor LogDet);
