using TorchSharp;

namespace Gen.Probability.Bijectors;

/// <summary>Shift and log-scale produced by a conditioner network for an affine transform.</summary>
/// <param name="Shift">The shift t.</param>
/// <param name="LogScale">The log-scale s (y = x·exp(s) + t).</param>
public readonly record struct AffineParameters(torch.Tensor Shift, torch.Tensor LogScale);
