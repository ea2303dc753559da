using System;
using System.Collections.Generic;
using System.Linq;
using Gen.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch.nn;

namespace Gen.Dsl;

/// <summary>
/// A convolutional decoder from a vector to image events [C, H, W]: a linear layer to a small feature map with
/// <c>Channels[0]</c> channels and the activation, then one transposed convolution per entry of
/// <paramref name="Channels"/> (kernel k×k, stride s, padding (k − 1) / 2): entry i maps <c>Channels[i]</c> channels
/// to the next entry's, and the last to C, with the activation between them but not after the last. The feature map's
/// size is worked back from H and W: each transposed convolution maps a side of n pixels to
/// (n − 1)·s − 2·padding + k + extra, the extra (PyTorch's output padding, below s) chosen so the last layer gives exactly
/// H×W (3 → 7 → 14 → 28 for 4×4, stride 2). A side the layers cannot reach is an error at declaration. Built with
/// <see cref="Net.ConvDecoder"/>; <c>Net.ConvDecoder(64, 32)</c> mirrors <c>Net.ConvEncoder(32, 64)</c>.
/// </summary>
/// <param name="Channels">Input channels of each transposed convolution, in order (the first is the feature map's).</param>
/// <param name="Kernel">The kernel size k of every transposed convolution.</param>
/// <param name="Stride">The stride s of every transposed convolution, from 1 to k.</param>
/// <param name="Activation">The activation after the linear layer and between transposed convolutions.</param>
/// <remarks>Each activation may be preceded by a normalisation of its feature map (<see cref="WithNormalization"/>).</remarks>
public sealed record ConvDecoderSpec(ValueList<int> Channels, int Kernel, int Stride, Activation Activation) : NetworkSpec
{
    /// <summary>The normalisation after each transposed convolution but the last (per channel), before its activation; none by default.</summary>
    public Normalization Normalization { get; init; }

    /// <summary>The same network with another activation.</summary>
    public ConvDecoderSpec WithActivation(Activation activation) => Checked(this with { Activation = activation });

    /// <summary>The same network with <paramref name="normalization"/> after each transposed convolution but the last, before its activation.</summary>
    /// <exception cref="GenShapeException">The value is not one of the named normalisations.</exception>
    public ConvDecoderSpec WithNormalization(Normalization normalization) => Checked(this with { Normalization = normalization });

    /// <summary>The same network with <paramref name="kernel"/>×<paramref name="kernel"/> transposed convolutions of stride <paramref name="stride"/>.</summary>
    /// <exception cref="GenShapeException">The kernel is not positive, or the stride is not from 1 to the kernel size.</exception>
    public ConvDecoderSpec WithKernel(int kernel, int stride) => Checked(this with { Kernel = kernel, Stride = stride });

    /// <inheritdoc/>
    public override bool DependsOnBatch => Normalization == Normalization.Batch;

    /// <inheritdoc/>
    public override string ToString() => ConvGeometry.Describe("ConvDecoder", Channels, Kernel, Stride, Activation, Normalization);

    /// <summary>Checks the sizes; throws <see cref="GenShapeException"/> naming <paramref name="path"/>.</summary>
    internal void Check(string path) => ConvGeometry.Check(path, Channels, Kernel, Stride, Activation, Normalization);

    /// <inheritdoc/>
    public override IReadOnlyList<LayerShape> Trace(string path, long[] input, long[] output) =>
        Plan(path, input, output).Layers;

    /// <inheritdoc/>
    public override Module<torch.Tensor, torch.Tensor> Build(long[] input, long[] output) =>
        new Network(this, Plan("conv_decoder", input, output));

    /// <summary>The layers' shapes and each transposed convolution's output padding (height, width).</summary>
    private Geometry Plan(string path, long[] input, long[] output)
    {
        Check(path);
        ConvGeometry.CheckRanks(path, "a convolutional decoder", input, output, imagesIn: false);

        int n = Channels.Count;
        int padding = ConvGeometry.Padding(Kernel);
        var heights = new long[n + 1];
        var widths = new long[n + 1];
        var extra = new (long Height, long Width)[n];
        heights[n] = output[1];
        widths[n] = output[2];
        for (int i = n - 1; i >= 0; i--)
        {
            long height = heights[i + 1] + (2 * padding) - Kernel;
            long width = widths[i + 1] + (2 * padding) - Kernel;
            if (height < 0 || width < 0)
            {
                throw new GenShapeException(
                    $"{path}.deconv[{i}]",
                    $"{ConvGeometry.Layer("transposed convolution", Kernel, Stride)} gives at least {Kernel - 2 * padding}x{Kernel - 2 * padding} pixels, but must give {heights[i + 1]}x{widths[i + 1]} for the decoder to reach {LayerShape.Format(output)}; use fewer layers, a smaller stride or larger images.");
            }

            extra[i] = (height % Stride, width % Stride);
            heights[i] = (height / Stride) + 1;
            widths[i] = (width / Stride) + 1;
        }

        long[] Map(int i) => new[] { i < n ? Channels[i] : output[0], heights[i], widths[i] };
        var layers = new List<LayerShape> { new("input", input, Map(0)) };
        for (int i = 0; i < n; i++)
        {
            layers.Add(new LayerShape($"deconv[{i}]", Map(i), Map(i + 1)));
        }

        return new Geometry(layers, extra);
    }

    private static ConvDecoderSpec Checked(ConvDecoderSpec spec)
    {
        spec.Check("conv_decoder");
        return spec;
    }

    private sealed record Geometry(IReadOnlyList<LayerShape> Layers, IReadOnlyList<(long Height, long Width)> Extra);

    private sealed class Network : Module<torch.Tensor, torch.Tensor>
    {
        private readonly Linear input;
        private readonly Module<torch.Tensor, torch.Tensor> act;
        private readonly ModuleList<ConvTranspose2d> deconv;
        private readonly ModuleList<Module<torch.Tensor, torch.Tensor>> norm;
        private readonly long[] map;
        private readonly long[] image;
        private readonly long[] strides;
        private readonly long[] paddings;
        private readonly long[][] extra;

        public Network(ConvDecoderSpec spec, Geometry geometry) : base("conv_decoder")
        {
            map = geometry.Layers[0].Output.ToArray();
            image = geometry.Layers[^1].Output.ToArray();
            input = LayerInitialization.Seeded(Linear(geometry.Layers[0].Input[0], map.Aggregate(1L, (a, b) => a * b)));
            act = MlpSpec.MakeActivation(spec.Activation);
            int padding = ConvGeometry.Padding(spec.Kernel);
            strides = new long[] { spec.Stride, spec.Stride };
            paddings = new long[] { padding, padding };
            extra = geometry.Extra.Select(e => new[] { e.Height, e.Width }).ToArray();
            var layers = new ConvTranspose2d[spec.Channels.Count];
            for (int i = 0; i < layers.Length; i++)
            {
                var shape = geometry.Layers[i + 1];
                layers[i] = LayerInitialization.Seeded(ConvTranspose2d(shape.Input[0], shape.Output[0], spec.Kernel, stride: spec.Stride, padding: padding));
            }

            deconv = new ModuleList<ConvTranspose2d>(layers);
            // One per feature map the activation follows: the linear layer's, then every transposed convolution's but the last.
            norm = new ModuleList<Module<torch.Tensor, torch.Tensor>>(spec.Channels.Select(c => NormalizationLayers.Channels(spec.Normalization, c)).OfType<Module<torch.Tensor, torch.Tensor>>().ToArray());
            RegisterComponents();
        }

        public override torch.Tensor forward(torch.Tensor z)
        {
            using var scope = torch.NewDisposeScope();
            // Transposed convolutions take one batch dimension: fold any leading ones into it and unfold them at the end.
            var leading = z.shape[..^1];
            var h = Activated(input.forward(z.reshape(-1, z.shape[^1])).reshape(-1, map[0], map[1], map[2]), 0);
            for (int i = 0; i < deconv.Count; i++)
            {
                // The layer's own forward uses the first output padding for both height and width (TorchSharp
                // 0.107: a 5x5 map with (1, 0) gives 10x10), so the functional form gets each side's.
                h = Convolutions.ConvTranspose2d(h, deconv[i].weight!, deconv[i].bias, strides, paddings, extra[i]);
                if (i < deconv.Count - 1)
                {
                    h = Activated(h, i + 1);
                }
            }

            return h.reshape(leading.Concat(image).ToArray()).MoveToOuterDisposeScope();
        }

        private torch.Tensor Activated(torch.Tensor h, int i) => act.forward(norm.Count > 0 ? norm[i].call(h) : h);
    }

    /// <inheritdoc/>
    public override void Measure(SpecBudget budget, string path, long[] input, long[] output)
    {
        var layers = Plan(path, input, output).Layers;
        budget.Linear($"{path}.input", input[0], MlpSpec.Product(layers[0].Output.ToArray()));
        for (int i = 0; i < Channels.Count; i++)
        {
            var layer = $"{path}.deconv[{i}]";
            budget.Width(layer, Channels[i]);
            budget.Conv(layer, layers[i + 1].Input[0], layers[i + 1].Output[0], Kernel, Kernel);
            budget.Add(layer, Normalization == Normalization.None ? 0 : 2L * Channels[i]);
            budget.Buffer(layer, Normalization == Normalization.Batch ? (2L * Channels[i]) + 1 : 0);
        }
    }
}
