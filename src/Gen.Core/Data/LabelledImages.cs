using TorchSharp;

namespace Gen.Data;

/// <summary>Images with class labels, as tensors on one device.</summary>
/// <param name="Images">Pixels, shape [n, ...]; dtype and scale as the loader documents.</param>
/// <param name="Labels">Class labels, int64, shape [n].</param>
public readonly record struct LabelledImages(torch.Tensor Images, torch.Tensor Labels);
