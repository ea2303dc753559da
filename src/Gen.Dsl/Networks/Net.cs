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

    /// <summary>
    /// SNGAN's residual generator from a vector to images: a linear layer to <paramref name="channels"/> maps at
    /// 1 / 2^<paramref name="blocks"/> of the image's sides, then up-sampling residual blocks with batch norm and ReLU,
    /// then a 3×3 convolution to the image's channels (<see cref="ResNetGeneratorSpec"/>).
    /// </summary>
    /// <param name="channels">Feature maps of every block (128 in SNGAN at 32×32).</param>
    /// <param name="blocks">Up-sampling blocks, each doubling the sides (3 at 32×32, 2 at 28×28).</param>
    /// <exception cref="GenShapeException">A count is out of range.</exception>
    public static ResNetGeneratorSpec ResNetGenerator(int channels, int blocks)
    {
        var spec = new ResNetGeneratorSpec(channels, blocks);
        spec.Check("resnet_generator");
        return spec;
    }

    /// <summary>
    /// A style-based generator after StyleGAN2 from a vector to images (<see cref="StyleGeneratorSpec"/>): a mapping
    /// network of <paramref name="mappingLayers"/> layers from the latent to a style of <paramref name="styleWidth"/>
    /// numbers, then a learnt constant at 1 / 2^<paramref name="blocks"/> of the image's sides, modulated and
    /// demodulated 3×3 convolutions with noise inputs, bilinear up-sampling blocks and summed image outputs.
    /// </summary>
    /// <param name="channels">Feature maps at every resolution.</param>
    /// <param name="blocks">Up-sampling blocks, each doubling the sides (2 at 28×28 from 7×7, 3 at 32×32 from 4×4).</param>
    /// <param name="styleWidth">The width of the style and of the mapping network (512 in the paper).</param>
    /// <param name="mappingLayers">Layers of the mapping network (8 in the paper).</param>
    /// <exception cref="GenShapeException">A count is out of range.</exception>
    public static StyleGeneratorSpec StyleGenerator(int channels, int blocks, int styleWidth = 128, int mappingLayers = 4)
    {
        var spec = new StyleGeneratorSpec(channels, blocks, styleWidth, mappingLayers);
        spec.Check("style_generator");
        return spec;
    }

    /// <summary>
    /// SNGAN's residual discriminator from images to a vector: <paramref name="blocks"/> residual blocks of
    /// <paramref name="channels"/> maps, the first <paramref name="downBlocks"/> pooling, then ReLU, the sum over
    /// positions and a linear layer (<see cref="ResNetDiscriminatorSpec"/>); spectrally normalise it with
    /// <see cref="ResNetDiscriminatorSpec.WithSpectralNorm"/> or <see cref="GanSpec.WithSpectralNorm"/>.
    /// </summary>
    /// <param name="channels">Feature maps of every block (128 in SNGAN at 32×32).</param>
    /// <param name="downBlocks">How many blocks, from the first, halve the sides (2 in SNGAN).</param>
    /// <param name="blocks">Residual blocks (4 in SNGAN).</param>
    /// <exception cref="GenShapeException">A count is out of range.</exception>
    public static ResNetDiscriminatorSpec ResNetDiscriminator(int channels, int downBlocks = 2, int blocks = 4)
    {
        var spec = new ResNetDiscriminatorSpec(channels, downBlocks, blocks);
        spec.Check("resnet_discriminator");
        return spec;
    }
}
