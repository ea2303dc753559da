using System;
using Gen.Runtime;
using TorchSharp;
using TorchSharp.Modules;

namespace Gen.Dsl;

/// <summary>
/// A 2-D convolution whose weight is multiplied by a fixed 0/1 mask on every forward pass, so masked taps stay
/// exactly zero whatever the optimizer does. Stride 1, zero padding that keeps height and width. The weight and bias
/// are those of a TorchSharp <c>Conv2d</c> (submodule <c>conv</c>, default initialisation); the mask is the buffer
/// <c>mask</c> of shape [out, in, kernel height, kernel width], so it follows the module through <c>to()</c> and
/// <c>state_dict()</c>.
/// </summary>
public sealed class MaskedConv2d : torch.nn.Module<torch.Tensor, torch.Tensor>
{
    private readonly Conv2d conv;
    private readonly torch.Tensor mask;
    private readonly MaskedWeightCache masked = new();
    private readonly long[] padding;
    private readonly bool open;

    internal MaskedConv2d(long inChannels, long outChannels, int kernelHeight, int kernelWidth, torch.Tensor mask) : base("masked_conv2d")
    {
        conv = LayerInitialization.Seeded(torch.nn.Conv2d(inChannels, outChannels, (kernelHeight, kernelWidth)));
        this.mask = mask;
        padding = new long[] { kernelHeight / 2, kernelWidth / 2 };
        open = mask.eq(1).all().item<bool>();
        RegisterComponents();
    }

    /// <summary>
    /// A square PixelCNN convolution of type <paramref name="type"/> for images with <paramref name="colours"/> colour
    /// channels: taps above the centre row and left of the centre are open; at the centre, feature <c>k</c> of a layer
    /// with <c>n</c> features belongs to colour group <c>floor(k·colours / n)</c>, and an output of group <c>c</c> sees
    /// inputs of groups <c>&lt; c</c> (type A) or <c>&lt;= c</c> (type B).
    /// </summary>
    /// <param name="inChannels">Input features (at least <paramref name="colours"/>).</param>
    /// <param name="outChannels">Output features (at least <paramref name="colours"/>).</param>
    /// <param name="kernelSize">An odd kernel size.</param>
    /// <param name="type">Type A (first layer) or B (later layers).</param>
    /// <param name="colours">Colour channels of the image, ordered R &lt; G &lt; B; 1 for grey or binary images.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, the kernel is even, or a layer has fewer features than colours.</exception>
    public static MaskedConv2d Create(long inChannels, long outChannels, int kernelSize, MaskType type, int colours = 1)
    {
        if (colours < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(colours), colours, "masked_conv2d: an image has at least one colour channel.");
        }

        if (inChannels < colours || outChannels < colours)
        {
            throw new ArgumentOutOfRangeException(
                nameof(inChannels),
                $"masked_conv2d: every colour group needs a feature, so in and out channels ({inChannels}, {outChannels}) must be at least the {colours} colour channels.");
        }

        if (kernelSize < 1 || kernelSize % 2 == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(kernelSize), kernelSize, "masked_conv2d: the kernel size must be odd and positive, so the kernel has a centre.");
        }

        return new MaskedConv2d(inChannels, outChannels, kernelSize, kernelSize, PixelMasks.Raster(inChannels, outChannels, kernelSize, type, colours));
    }

    /// <summary>The 0/1 mask, shape [out, in, kernel height, kernel width].</summary>
    public torch.Tensor Mask => mask;

    /// <summary>The unmasked weight, shape [out, in, kernel height, kernel width].</summary>
    public Parameter Weight => conv.weight!;

    /// <summary>The bias, shape [out].</summary>
    public Parameter Bias => conv.bias!;

    /// <summary>
    /// Convolves <paramref name="input"/> ([batch, in, height, width]) with <c>weight · mask</c>. A mask of all ones (a
    /// 1×1 type-B convolution of a one-channel model) is not multiplied in, since it changes nothing.
    /// </summary>
    public override torch.Tensor forward(torch.Tensor input) =>
        Convolutions.Conv2d(input, open ? conv.weight! : masked.Get(conv.weight!, mask), conv.bias, padding: padding);

    /// <summary>The layer frozen for one sampling pass (call without gradient): its masked weight, taken once.</summary>
    internal PixelConvStep Step() => new(open ? conv.weight!.detach() : conv.weight! * mask, conv.bias!.detach());
}
