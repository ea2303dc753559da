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
}
