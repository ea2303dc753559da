using Gen.Runtime;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// A convolution (stride 1, zero padding that keeps the image's size) frozen for one sampling pass and evaluated where
/// the pass needs it: at one pixel, as one product of the pixel's window [batch, in·kh·kw] with the flattened weight,
/// or over one row. Its weight is the layer's weight ⊙ mask, taken once per pass rather than once per pixel.
/// </summary>
internal sealed class PixelConvStep
{
    private readonly torch.Tensor weight;
    private readonly torch.Tensor flat;
    private readonly torch.Tensor? bias;
    private readonly long kernelHeight;
    private readonly long kernelWidth;

    /// <param name="weight">Weight [out, in, kh, kw] with its mask already applied; odd kh and kw.</param>
    /// <param name="bias">Bias [out], or null.</param>
    internal PixelConvStep(torch.Tensor weight, torch.Tensor? bias)
    {
        this.weight = weight;
        this.bias = bias;
        kernelHeight = weight.shape[2];
        kernelWidth = weight.shape[3];
        flat = weight.reshape(weight.shape[0], -1).t().contiguous(); // [in·kh·kw, out]
    }

    /// <summary>The zero padding the convolution needs around its input: half its larger kernel side.</summary>
    internal long Margin => System.Math.Max(kernelHeight, kernelWidth) / 2;

    /// <summary>The convolution's output at pixel (<paramref name="row"/>, <paramref name="column"/>) of its input <paramref name="input"/>, [batch, out].</summary>
    internal torch.Tensor At(PixelCache input, long row, long column)
    {
        var window = input.Values
            .narrow(2, row + input.Margin - (kernelHeight / 2), kernelHeight)
            .narrow(3, column + input.Margin - (kernelWidth / 2), kernelWidth)
            .reshape(input.Values.shape[0], -1);
        return Product(window);
    }

    /// <summary>A 1×1 convolution's output for one pixel's features <paramref name="input"/> [batch, in], [batch, out].</summary>
    internal torch.Tensor Pointwise(torch.Tensor input) => Product(input);

    /// <summary>The convolution's output over row <paramref name="row"/> of its input, [batch, out, 1, W].</summary>
    internal torch.Tensor Row(PixelCache input, long row)
    {
        var strip = input.Values
            .narrow(2, row + input.Margin - (kernelHeight / 2), kernelHeight)
            .narrow(3, input.Margin - (kernelWidth / 2), input.Width + kernelWidth - 1);
        return Convolutions.Conv2d(strip, weight, bias);
    }

    private torch.Tensor Product(torch.Tensor window) =>
        bias is null ? window.matmul(flat) : torch.addmm(bias, window, flat, 1, 1);
}
