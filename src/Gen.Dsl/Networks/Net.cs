using System;
using System.Linq;

namespace Gen.Dsl;

/// <summary>Factories for network nodes.</summary>
public static class Net
{
    /// <summary>A multilayer perceptron with these hidden widths and ReLU activations.</summary>
    /// <param name="hidden">Hidden-layer widths, in order; input and output widths come from where the net is used.</param>
    public static MlpSpec Mlp(params int[] hidden)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        var spec = new MlpSpec(new ValueList<int>(hidden), Activation.Relu);
        spec.Check("mlp");
        return spec;
    }

    /// <summary>
    /// A convolutional residual network (the conditioner of image couplings): a 3×3 convolution to
    /// <paramref name="hidden"/> channels, <paramref name="blocks"/> residual blocks, and a zero-initialised 3×3 output
    /// convolution, with ReLU activations; input and output channels come from where the net is used.
    /// </summary>
    /// <exception cref="GenShapeException">The hidden channel count is not positive, or the block count is negative.</exception>
    public static ConvResNetSpec ConvResNet(int hidden, int blocks)
    {
        var spec = new ConvResNetSpec(hidden, blocks, Activation.Relu);
        spec.Check("conv_resnet");
        return spec;
    }

    /// <summary>
    /// A convolutional encoder from images [C, H, W] to a vector (the encoder of an image VAE): a 4×4 convolution with
    /// stride 2 and padding 1 to each of <paramref name="channels"/> in turn (halving even sides), each followed by a
    /// ReLU, then a linear layer from the flattened feature map to the outputs. Change the kernel and stride with
    /// <see cref="ConvEncoderSpec.WithKernel"/>.
    /// </summary>
    /// <param name="channels">Output channels of each convolution, in order, such as 32, 64.</param>
    /// <exception cref="GenShapeException">There is no layer, or a channel count is not positive.</exception>
    public static ConvEncoderSpec ConvEncoder(params int[] channels)
    {
        ArgumentNullException.ThrowIfNull(channels);
        var spec = new ConvEncoderSpec(new ValueList<int>(channels), Kernel: 4, Stride: 2, Activation.Relu);
        spec.Check("conv_encoder");
        return spec;
    }

    /// <summary>
    /// A convolutional decoder from a vector to images [C, H, W] (the decoder of an image VAE): a linear layer to a
    /// feature map with <c>channels[0]</c> channels and a ReLU, then 4×4 transposed convolutions with stride 2 and
    /// padding 1 (doubling the sides), from each entry of <paramref name="channels"/> to the next and from the last to
    /// C, with ReLUs between them. The feature map's size is worked back from the image's; <c>ConvDecoder(64, 32)</c>
    /// mirrors <c>ConvEncoder(32, 64)</c>. Change the kernel and stride with <see cref="ConvDecoderSpec.WithKernel"/>.
    /// </summary>
    /// <param name="channels">Input channels of each transposed convolution, in order, such as 64, 32.</param>
    /// <exception cref="GenShapeException">There is no layer, or a channel count is not positive.</exception>
    public static ConvDecoderSpec ConvDecoder(params int[] channels)
    {
        ArgumentNullException.ThrowIfNull(channels);
        var spec = new ConvDecoderSpec(new ValueList<int>(channels), Kernel: 4, Stride: 2, Activation.Relu);
        spec.Check("conv_decoder");
        return spec;
    }
}
