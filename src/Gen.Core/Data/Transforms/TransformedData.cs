using TorchSharp;

namespace Gen.Data;

/// <summary>Data after an invertible preprocessing step, with the log-determinant of that step's Jacobian.</summary>
/// <param name="Value">The transformed data, the same shape as the input.</param>
/// <param name="LogDet">log |det ∂Value/∂input| per example, shape [n] (summed over every dimension but the first).</param>
public readonly record struct TransformedData(torch.Tensor Value, torch.Tensor LogDet);
