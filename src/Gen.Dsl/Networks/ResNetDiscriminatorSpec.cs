using System;
using System.Collections.Generic;
using System.Linq;
using Gen.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch.nn;

namespace Gen.Dsl;

/// <summary>
/// The residual discriminator of SNGAN (Miyato et al. 2018), from images [C, H, W] to a vector: <see cref="Blocks"/>
/// residual blocks of <see cref="Channels"/> maps, the first <see cref="DownBlocks"/> of them halving the sides by 2×2
/// average pooling; each block is ReLU, 3×3 convolution, ReLU, 3×3 convolution (the first block starts with the
/// convolution, on the image), added to a shortcut (a 1×1 convolution where the channels change, pooled where the block
/// pools); then ReLU, the sum over positions, and a linear layer named <c>output</c> to the outputs. At 28×28 with
/// two of four blocks pooling: 28 → 14 → 7 → 7 → 7. Sides not divisible by 2^DownBlocks are an error at declaration.
/// Every convolution and the output layer may be spectrally normalised (<see cref="WithSpectralNorm"/>). Built with
/// <see cref="Net.ResNetDiscriminator"/>.
/// </summary>
/// <param name="Channels">Feature maps of every block.</param>
/// <param name="DownBlocks">How many of the blocks, from the first, pool.</param>
/// <param name="Blocks">Residual blocks.</param>
public sealed record ResNetDiscriminatorSpec(int Channels, int DownBlocks, int Blocks) : NetworkSpec
{
    /// <summary>Whether every convolution and the output layer are spectrally normalised (<see cref="SpectralNorm"/>); false by default.</summary>
    public bool SpectralNormalized { get; init; }

    /// <summary>The same network with every convolution and the output layer spectrally normalised.</summary>
    public ResNetDiscriminatorSpec WithSpectralNorm() => this with { SpectralNormalized = true };

    /// <inheritdoc/>
    public override string ToString() =>
        $"ResNetDiscriminator({Channels} channels, {Blocks} blocks, {DownBlocks} pooling; relu, sum pooling){(SpectralNormalized ? " with spectral norm" : "")}";

    /// <summary>Checks the sizes; throws <see cref="GenShapeException"/> naming <paramref name="path"/>.</summary>
    internal void Check(string path)
    {
        if (Channels < 1)
        {
            throw new GenShapeException($"{path}.channels", $"a block needs one or more channels, got {Channels}.");
        }

        if (Blocks is < 1 or > 64 || DownBlocks < 0 || DownBlocks > Math.Min(Blocks, 16))
        {
            throw new GenShapeException($"{path}.blocks", $"the discriminator takes 1 to 64 blocks of which 0 to 16 (and no more than the blocks) pool, got {Blocks} blocks of which {DownBlocks} pool.");
        }
    }

    /// <inheritdoc/>
    public override IReadOnlyList<LayerShape> Trace(string path, long[] input, long[] output)
    {
        Check(path);
        ConvGeometry.CheckRanks(path, "a residual discriminator", input, output, imagesIn: true);

        long scale = 1L << DownBlocks;
        if (input[1] % scale != 0 || input[2] % scale != 0)
        {
            throw new GenShapeException(path, $"{DownBlocks} pooling blocks halve the sides {DownBlocks} times, so the image's sides must be multiples of {scale}, but it reads {LayerShape.Format(input)}; pool in fewer blocks or use another size.");
        }

        var layers = new List<LayerShape>();
        var map = input;
        for (int i = 0; i < Blocks; i++)
        {
            long div = i < DownBlocks ? 2 : 1;
            var next = new long[] { Channels, map[1] / div, map[2] / div };
            layers.Add(new LayerShape($"block[{i}]", map, next));
            map = next;
        }

        layers.Add(new LayerShape("output", new long[] { Channels }, output));
        return layers;
    }

    /// <inheritdoc/>
    public override Module<torch.Tensor, torch.Tensor> Build(long[] input, long[] output) =>
        new Network(this, Trace("resnet_discriminator", input, output));

    /// <inheritdoc/>
    public override void Measure(SpecBudget budget, string path, long[] input, long[] output)
    {
        Trace(path, input, output);
        budget.Width($"{path}.channels", Channels);
        long channels = input[0];
        for (int i = 0; i < Blocks; i++)
        {
            var block = $"{path}.block[{i}]";
            Conv(budget, $"{block}.conv[0]", channels, Channels, 3);
            Conv(budget, $"{block}.conv[1]", Channels, Channels, 3);
            if (channels != Channels)
            {
                Conv(budget, $"{block}.shortcut", channels, Channels, 1);
            }

            channels = Channels;
        }

        budget.Linear($"{path}.output", Channels, output[0]);
        budget.Buffer($"{path}.output", SpectralNormalized ? (Int128)Channels + output[0] : 0);
    }

    private void Conv(SpecBudget budget, string path, long inputs, long outputs, int kernel)
    {
        budget.Conv(path, inputs, outputs, kernel, kernel);
        budget.Buffer(path, SpectralNormalized ? outputs + ((Int128)inputs * kernel * kernel) : 0);
    }

    private sealed class Network : Module<torch.Tensor, torch.Tensor>
    {
        // Plain Conv2d layers, or SpectralNorm wrappers of them.
        private readonly ModuleList<Module<torch.Tensor, torch.Tensor>> conv;
        // The first block's 1×1 convolution when the image's channels are not the blocks'; later blocks keep their channels.
        private readonly Module<torch.Tensor, torch.Tensor>? shortcut;
        private readonly Module<torch.Tensor, torch.Tensor> output;
        private readonly long[] image;
        private readonly int downBlocks;

        public Network(ResNetDiscriminatorSpec spec, IReadOnlyList<LayerShape> layers) : base("resnet_discriminator")
        {
            image = layers[0].Input.ToArray();
            downBlocks = spec.DownBlocks;
            var convs = new List<Module<torch.Tensor, torch.Tensor>>();
            long channels = image[0];
            for (int i = 0; i < spec.Blocks; i++)
            {
                convs.Add(Layer(spec, channels, spec.Channels, 3));
                convs.Add(Layer(spec, spec.Channels, spec.Channels, 3));
                if (channels != spec.Channels)
                {
                    shortcut = Layer(spec, channels, spec.Channels, 1);
                }

                channels = spec.Channels;
            }

            conv = new ModuleList<Module<torch.Tensor, torch.Tensor>>(convs.ToArray());
            var linear = LayerInitialization.Seeded(Linear(spec.Channels, layers[^1].Output[0]));
            output = spec.SpectralNormalized ? SpectralNorm.Linear(linear) : linear;
            RegisterComponents();
        }

        public override torch.Tensor forward(torch.Tensor x)
        {
            using var scope = torch.NewDisposeScope();
            // Convolutions take one batch dimension: fold any leading ones into it and unfold them at the end.
            var leading = x.shape[..^3];
            var h = x.reshape(-1, image[0], image[1], image[2]);
            for (int i = 0; i < conv.Count / 2; i++)
            {
                // The first block reads the image itself, so it starts with the convolution (SNGAN's "optimised" block).
                var r = Apply(conv[2 * i], i == 0 ? h : functional.relu(h));
                r = Apply(conv[(2 * i) + 1], functional.relu(r));
                var skip = i == 0 && shortcut is not null ? Apply(shortcut, h) : h;
                if (i < downBlocks)
                {
                    r = functional.avg_pool2d(r, 2);
                    skip = functional.avg_pool2d(skip, 2);
                }

                h = r + skip;
            }

            var y = output.call(functional.relu(h).sum(new long[] { 2, 3 }));
            return y.reshape(leading.Append(y.shape[^1]).ToArray()).MoveToOuterDisposeScope();
        }

        private static Module<torch.Tensor, torch.Tensor> Layer(ResNetDiscriminatorSpec spec, long inputs, long outputs, int kernel) =>
            ConvGeometry.Conv(inputs, outputs, kernel, 1, ConvGeometry.Padding(kernel), spec.SpectralNormalized);

        private static torch.Tensor Apply(Module<torch.Tensor, torch.Tensor> layer, torch.Tensor h) => ConvGeometry.Apply(layer, h);
    }
}
