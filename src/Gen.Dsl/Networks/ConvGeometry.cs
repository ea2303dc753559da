using System.Linq;

namespace Gen.Dsl;

/// <summary>
/// What the convolutional encoder and decoder share: the checks of their channel lists, kernel and stride, the padding
/// rule (k − 1) / 2, and how they print.
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
}
