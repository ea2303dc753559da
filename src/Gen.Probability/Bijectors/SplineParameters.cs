using TorchSharp;

namespace Gen.Probability.Bijectors;

/// <summary>
/// Unconstrained parameters of elementwise rational-quadratic splines (see <see cref="RationalQuadraticSpline"/>):
/// for each element, K bin widths, K bin heights and K − 1 interior derivatives, in a trailing dimension.
/// </summary>
/// <param name="Widths">[..., K], softmax-normalised by the spline.</param>
/// <param name="Heights">[..., K], softmax-normalised by the spline.</param>
/// <param name="Derivatives">[..., K − 1], made positive by softplus.</param>
public readonly record struct SplineParameters(torch.Tensor Widths, torch.Tensor Heights, torch.Tensor Derivatives);
