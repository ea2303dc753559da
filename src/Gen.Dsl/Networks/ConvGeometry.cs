using System.Collections.Generic;
using System.Linq;
using Gen.Runtime;
using TorchSharp;
using TorchSharp.Modules;

namespace Gen.Dsl;

/// <summary>
/// What the convolutional network nodes share: the checks of their channel lists, kernel and stride, of the ranks they
/// map between, the padding rule (k − 1) / 2, their plain or spectrally normalised convolutions, and how they print.
/// </summary>
internal static class ConvGeometry
{
    /// <summary>The padding of every layer: (k − 1) / 2, which keeps the size at stride 1 for odd kernels and halves even sizes at 4×4, stride 2.</summary>
    public static int Padding(int kernel) => (kernel - 1) / 2;

    /// <summary>Checks the node's sizes; throws <see cref="GenShapeException"/> naming <paramref name="path"/>.</summary>
    public static void Check(string path, ValueList<int> channels, int kernel, int stride, Activation activation, Normalization normalization)
    {
        if (channels.Count == 0)
        {
            throw new GenShapeException($"{path}.channels", "a convolutional network needs at least one layer; list the channels of each.");
        }

        foreach (var (c, i) in channels.Select((c, i) => (c, i)))
        {
            if (c <= 0)
            {
                throw new GenShapeException($"{path}.channels[{i}]", $"a channel count must be positive, got {c}.");
            }
        }

        if (kernel < 1)
        {
            throw new GenShapeException($"{path}.kernel", $"the kernel size must be positive, got {kernel}.");
        }

        if (stride < 1 || stride > kernel)
        {
            // A stride above the kernel skips pixels (and leaves holes in a transposed convolution's output).
            throw new GenShapeException($"{path}.stride", $"the stride must be from 1 to the kernel size {kernel}, got {stride}.");
        }

        MlpSpec.CheckActivation($"{path}.activation", activation);
        NormalizationLayers.Check($"{path}.normalization", normalization);
    }

    /// <summary>The layer as <c>4x4 convolution with stride 2 and padding 1</c>, for error messages.</summary>
    public static string Layer(string what, int kernel, int stride) => $"a {kernel}x{kernel} {what} with stride {stride} and padding {Padding(kernel)}";

    /// <summary>The node as <c>ConvEncoder(32, 64; 4x4 stride 2; relu)</c> (with <c>, batch norm</c> or <c>, layer norm</c> when normalised).</summary>
    public static string Describe(string name, ValueList<int> channels, int kernel, int stride, Activation activation, Normalization normalization) =>
        $"{name}({string.Join(", ", channels)}; {kernel}x{kernel} stride {stride}; {activation.ToString().ToLowerInvariant()}{NormalizationLayers.Suffix(normalization)})";

    /// <summary>
    /// Checks that a network from images to vectors (<paramref name="imagesIn"/>) or from vectors to images is asked for
    /// those ranks; <paramref name="what"/> names it in the message, such as "a convolutional encoder".
    /// </summary>
    public static void CheckRanks(string path, string what, long[] input, long[] output, bool imagesIn)
    {
        if (input.Length != (imagesIn ? 3 : 1))
        {
            throw new GenShapeException(path, $"{what} takes {(imagesIn ? "image events [channels, height, width]" : "a vector")}, got {LayerShape.Format(input)}.");
        }

        if (output.Length != (imagesIn ? 1 : 3))
        {
            throw new GenShapeException(path, $"{what} gives {(imagesIn ? "a vector" : "image events [channels, height, width]")}, but {LayerShape.Format(output)} is asked of it.");
        }
    }

    /// <summary>
    /// The layers of a generator from a vector to images that starts from <paramref name="channels"/> maps at
    /// 1 / 2^<paramref name="blocks"/> of the image's sides and doubles them in each block: <paramref name="head"/>
    /// (named by the generator, from its input to the first map), <c>block[i]</c>, and <c>output</c> to the image.
    /// Sides the blocks cannot halve are refused naming <paramref name="path"/>.
    /// </summary>
    public static IReadOnlyList<LayerShape> UpSampling(string path, int blocks, long channels, long[] output, IEnumerable<(string Name, long[] Input)> head)
    {
        long scale = 1L << blocks;
        if (output[1] % scale != 0 || output[2] % scale != 0)
        {
            throw new GenShapeException(path, $"{blocks} up-sampling blocks double the sides {blocks} times, so the image's sides must be multiples of {scale}, but {LayerShape.Format(output)} is asked of it; use fewer blocks or another size.");
        }

        var map = new long[] { channels, output[1] / scale, output[2] / scale };
        var layers = new List<LayerShape>();
        var named = head.ToArray();
        for (int i = 0; i < named.Length; i++)
        {
            layers.Add(new LayerShape(named[i].Name, named[i].Input, i + 1 < named.Length ? named[i + 1].Input : map));
        }

        for (int i = 0; i < blocks; i++)
        {
            var next = new long[] { channels, map[1] * 2, map[2] * 2 };
            layers.Add(new LayerShape($"block[{i}]", map, next));
            map = next;
        }

        layers.Add(new LayerShape("output", map, output));
        return layers;
    }

    /// <summary>A seeded k×k convolution with zero padding, wrapped in <see cref="SpectralNorm"/> when <paramref name="spectral"/>.</summary>
    public static torch.nn.Module<torch.Tensor, torch.Tensor> Conv(long inputs, long outputs, int kernel, int stride, int padding, bool spectral) =>
        spectral
            ? SpectralNorm.Conv2d(inputs, outputs, kernel, stride, padding)
            : LayerInitialization.Seeded(torch.nn.Conv2d(inputs, outputs, kernel, stride: stride, padding: padding));

    /// <summary>A layer made by <see cref="Conv"/> applied to <paramref name="h"/>: a plain convolution through <see cref="Convolutions"/>.</summary>
    public static torch.Tensor Apply(torch.nn.Module<torch.Tensor, torch.Tensor> layer, torch.Tensor h) =>
        layer is Conv2d plain ? Convolutions.Apply(plain, h) : layer.call(h);
}
