using TorchSharp;

namespace Gen.Probability;

/// <summary>A sample together with its log-density, computed in one pass.</summary>
/// <param name="Value">The sample, of shape sample ++ batch ++ event.</param>
/// <param name="LogProb">log p(Value), of shape sample ++ batch.</param>
public readonly record struct Sampled(torch.Tensor Value, torch.Tensor LogProb);
