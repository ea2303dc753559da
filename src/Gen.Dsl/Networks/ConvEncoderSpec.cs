using System;
using System.Collections.Generic;
using System.Linq;
using Gen.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch.nn;

namespace Gen.Dsl;

/// <summary>
/// A convolutional encoder from image events [C, H, W] to a vector: one convolution per entry of
/// <paramref name="Channels"/> (kernel k×k, stride s, padding (k − 1) / 2), each followed by the activation, then the
/// feature map flattened and a linear layer named <c>output</c> to the outputs. Each convolution maps a side of n
/// pixels to ⌊(n + 2·padding − k) / s⌋ + 1, as in PyTorch (28 → 14 → 7 → 3 for 4×4, stride 2); a side that
/// becomes too small for the kernel is an error at declaration. Built with <see cref="Net.ConvEncoder"/>.
/// </summary>
/// <param name="Channels">Output channels of each convolution, in order.</param>
/// <param name="Kernel">The kernel size k of every convolution.</param>
/// <param name="Stride">The stride s of every convolution, from 1 to k.</param>
/// <param name="Activation">The activation after each convolution.</param>
/// <remarks>
/// Each convolution may be followed by a normalisation (<see cref="WithNormalization"/>) before its activation, and
/// every convolution and the output layer may be spectrally normalised (<see cref="WithSpectralNorm"/>), as a GAN's
/// discriminator often is.
/// </remarks>
public sealed record ConvEncoderSpec(ValueList<int> Channels, int Kernel, int Stride, Activation Activation) : NetworkSpec
{
    /// <summary>The normalisation after each convolution (per channel), before its activation; none by default.</summary>
    public Normalization Normalization { get; init; }

    /// <summary>
    /// Whether every convolution and the output layer compute with their weight divided by its largest singular value
    /// (<see cref="SpectralNorm"/>, Miyato et al. 2018); false by default.
    /// </summary>
    public bool SpectralNormalized { get; init; }

    /// <summary>The same network with every convolution and the output layer spectrally normalised (<see cref="SpectralNorm"/>).</summary>
    public ConvEncoderSpec WithSpectralNorm() => this with { SpectralNormalized = true };

    /// <summary>The same network with another activation.</summary>
    public ConvEncoderSpec WithActivation(Activation activation) => Checked(this with { Activation = activation });

    /// <summary>The same network with <paramref name="normalization"/> after each convolution, before its activation.</summary>
    /// <exception cref="GenShapeException">The value is not one of the named normalisations.</exception>
    public ConvEncoderSpec WithNormalization(Normalization normalization) => Checked(this with { Normalization = normalization });

    /// <summary>The same network with <paramref name="kernel"/>×<paramref name="kernel"/> convolutions of stride <paramref name="stride"/>.</summary>
    /// <exception cref="GenShapeException">The kernel is not positive, or the stride is not from 1 to the kernel size.</exception>
    public ConvEncoderSpec WithKernel(int kernel, int stride) => Checked(this with { Kernel = kernel, Stride = stride });

    /// <inheritdoc/>
    public override bool DependsOnBatch => Normalization == Normalization.Batch;

    /// <inheritdoc/>
    public override string ToString() =>
        ConvGeometry.Describe("ConvEncoder", Channels, Kernel, Stride, Activation, Normalization) + (SpectralNormalized ? " with spectral norm" : "");

    /// <summary>Checks the sizes; throws <see cref="GenShapeException"/> naming <paramref name="path"/>.</summary>
    internal void Check(string path) => ConvGeometry.Check(path, Channels, Kernel, Stride, Activation, Normalization);

    /// <inheritdoc/>
    public override IReadOnlyList<LayerShape> Trace(string path, long[] input, long[] output)
    {
        Check(path);
        ConvGeometry.CheckRanks(path, "a convolutional encoder", input, output, imagesIn: true);

        int padding = ConvGeometry.Padding(Kernel);
        var layers = new List<LayerShape>();
        var shape = input;
        for (int i = 0; i < Channels.Count; i++)
        {
            if (shape[1] + 2 * padding < Kernel || shape[2] + 2 * padding < Kernel)
            {
                throw new GenShapeException(
                    $"{path}.conv[{i}]",
                    $"{ConvGeometry.Layer("convolution", Kernel, Stride)} needs at least {Kernel - 2 * padding}x{Kernel - 2 * padding} pixels, but its input is {LayerShape.Format(shape)} (the encoder's input is {LayerShape.Format(input)}); use fewer layers, a smaller stride or larger images.");
            }

            var next = new long[] { Channels[i], Down(shape[1], padding), Down(shape[2], padding) };
            layers.Add(new LayerShape($"conv[{i}]", shape, next));
            shape = next;
        }

        layers.Add(new LayerShape("output", shape, output));
        return layers;
    }

    /// <inheritdoc/>
    public override Module<torch.Tensor, torch.Tensor> Build(long[] input, long[] output)
    {
        var shapes = Trace("conv_encoder", input, output);
        return new Network(this, input, shapes[^1].Input.Aggregate(1L, (a, b) => a * b), output[0]);
    }

    private long Down(long side, int padding) => ((side + 2 * padding - Kernel) / Stride) + 1;

    private static ConvEncoderSpec Checked(ConvEncoderSpec spec)
    {
        spec.Check("conv_encoder");
        return spec;
    }

    private sealed class Network : Module<torch.Tensor, torch.Tensor>
    {
        // Plain Conv2d layers, or SpectralNorm wrappers of them (state-dict names conv.{i}.layer.weight, conv.{i}.u, …).
        private readonly ModuleList<Module<torch.Tensor, torch.Tensor>> conv;
        private readonly ModuleList<Module<torch.Tensor, torch.Tensor>> norm;
        private readonly Module<torch.Tensor, torch.Tensor> act;
        private readonly Module<torch.Tensor, torch.Tensor> output;
        private readonly long[] image;

        public Network(ConvEncoderSpec spec, long[] image, long flat, long outputs) : base("conv_encoder")
        {
            this.image = image;
            var layers = new Module<torch.Tensor, torch.Tensor>[spec.Channels.Count];
            long channels = image[0];
            int padding = ConvGeometry.Padding(spec.Kernel);
            for (int i = 0; i < layers.Length; i++)
            {
                layers[i] = ConvGeometry.Conv(channels, spec.Channels[i], spec.Kernel, spec.Stride, padding, spec.SpectralNormalized);
                channels = spec.Channels[i];
            }

            conv = new ModuleList<Module<torch.Tensor, torch.Tensor>>(layers);
            norm = new ModuleList<Module<torch.Tensor, torch.Tensor>>(spec.Channels.Select(c => NormalizationLayers.Channels(spec.Normalization, c)).OfType<Module<torch.Tensor, torch.Tensor>>().ToArray());
            act = MlpSpec.MakeActivation(spec.Activation);
            var linear = LayerInitialization.Seeded(Linear(flat, outputs));
            output = spec.SpectralNormalized ? SpectralNorm.Linear(linear) : linear;
            RegisterComponents();
        }

        public override torch.Tensor forward(torch.Tensor x)
        {
            using var scope = torch.NewDisposeScope();
            // Convolutions take one batch dimension: fold any leading ones into it and unfold them at the end.
            var leading = x.shape[..^3];
            var h = x.reshape(-1, image[0], image[1], image[2]);
            for (int i = 0; i < conv.Count; i++)
            {
                h = ConvGeometry.Apply(conv[i], h);
                h = act.forward(norm.Count > 0 ? norm[i].call(h) : h);
            }

            var y = output.call(h.flatten(1));
            return y.reshape(leading.Append(y.shape[^1]).ToArray()).MoveToOuterDisposeScope();
        }
    }

    /// <inheritdoc/>
    public override void Measure(SpecBudget budget, string path, long[] input, long[] output)
    {
        var layers = Trace(path, input, output);
        for (int i = 0; i < Channels.Count; i++)
        {
            var layer = $"{path}.conv[{i}]";
            budget.Width(layer, Channels[i]);
            budget.Conv(layer, layers[i].Input[0], Channels[i], Kernel, Kernel);
            budget.Add(layer, Normalization == Normalization.None ? 0 : 2L * Channels[i]);
            budget.Buffer(layer, Normalization == Normalization.Batch ? (2L * Channels[i]) + 1 : 0);
            // Spectral normalisation's power-iteration vectors: one value per output channel, one per weight column.
            budget.Buffer(layer, SpectralNormalized ? Channels[i] + ((Int128)layers[i].Input[0] * Kernel * Kernel) : 0);
        }

        var flat = MlpSpec.Product(layers[^1].Input.ToArray());
        budget.Linear($"{path}.output", flat, output[0]);
        budget.Buffer($"{path}.output", SpectralNormalized ? flat + output[0] : 0);
    }
}
