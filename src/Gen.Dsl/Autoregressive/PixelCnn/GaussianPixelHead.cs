using System;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// Continuous pixels (dequantised or standardised intensities): a Gaussian per channel and pixel, with a mean and a
/// scale softplus(u) + <see cref="MinScale"/> read from two parameters. The network sees the values as they are.
/// </summary>
public sealed record GaussianPixelHead : PixelHead
{
    /// <summary>The smallest scale the head can express, so the density stays bounded.</summary>
    public const double MinScale = 1e-3;

    private static readonly double HalfLogTwoPi = 0.5 * Math.Log(2 * Math.PI);

    internal GaussianPixelHead()
    {
    }

    /// <inheritdoc/>
    public override int ParametersPerChannel => 2;

    internal override string SupportText => "finite real numbers";

    /// <inheritdoc/>
    public override string ToString() => "Gaussian";

    internal override torch.Tensor Scale(torch.Tensor x) => x;

    internal override torch.Tensor InSupport(torch.Tensor x) => x.isfinite().all();

    // parameters [B, C, 2, H, W]: mean, then the unconstrained scale.
    internal override torch.Tensor LogProb(torch.Tensor parameters, torch.Tensor x)
    {
        var mean = parameters.select(2, 0);
        var scale = torch.nn.functional.softplus(parameters.select(2, 1)) + MinScale;
        return -0.5 * ((x - mean) / scale).square() - scale.log() - HalfLogTwoPi;
    }

    // parameters [count, 2].
    internal override torch.Tensor Sample(torch.Tensor parameters, torch.ScalarType dtype, torch.Generator? generator)
    {
        var mean = parameters.select(-1, 0);
        var scale = torch.nn.functional.softplus(parameters.select(-1, 1)) + MinScale;
        return (mean + scale * DeviceRandom.Normal(mean.shape, mean.dtype, mean.device, generator)).to_type(dtype);
    }
}
