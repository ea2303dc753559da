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

    /// <summary>
    /// Examples per group of the minibatch standard deviation layer after the last block (0, the default: none). See
    /// <see cref="WithMinibatchStdDev"/>.
    /// </summary>
    public int MinibatchGroup { get; init; }

    /// <summary>
    /// The same network with ProGAN's and StyleGAN2's minibatch standard deviation layer after the last block: the
    /// batch is split into groups of <paramref name="group"/> examples (the largest size up to it that divides the
    /// batch), the standard deviation of every feature at every position is taken over each group and averaged into one
    /// number, which joins each example of the group as one more channel; a 3×3 convolution (named <c>final</c>) takes
    /// the maps back to <see cref="Channels"/>. A generator whose samples all look alike shows a small number there, so
    /// the discriminator can tell its batches from the data's (Karras et al. 2018, section 3).
    /// </summary>
    /// <param name="group">Examples per group, 2 to 256; StyleGAN2 uses 4.</param>
    /// <exception cref="GenShapeException">The group size is outside 2 … 256.</exception>
    public ResNetDiscriminatorSpec WithMinibatchStdDev(int group = 4)
    {
        var spec = this with { MinibatchGroup = group };
        spec.Check("resnet_discriminator");
        return spec;
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"ResNetDiscriminator({Channels} channels, {Blocks} blocks, {DownBlocks} pooling; {(MinibatchGroup > 0 ? $"minibatch stddev over groups of {MinibatchGroup}; " : "")}relu, sum pooling){(SpectralNormalized ? " with spectral norm" : "")}";

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

        if (MinibatchGroup != 0 && MinibatchGroup is < 2 or > 256)
        {
            throw new GenShapeException($"{path}.minibatch_group", $"the minibatch standard deviation takes groups of 2 to 256 examples (or 0 for none), got {MinibatchGroup}.");
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

        if (MinibatchGroup > 0)
        {
            var joined = new long[] { Channels + 1, map[1], map[2] };
            layers.Add(new LayerShape("minibatch_stddev", map, joined));
            layers.Add(new LayerShape("final", joined, map));
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

        if (MinibatchGroup > 0)
        {
            Conv(budget, $"{path}.final", Channels + 1, Channels, 3);
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
        // The convolution after the minibatch standard deviation, or null without one.
        private readonly Module<torch.Tensor, torch.Tensor>? final;
        private readonly long[] image;
        private readonly int downBlocks;
        private readonly int group;

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
            group = spec.MinibatchGroup;
            if (group > 0)
            {
                final = Layer(spec, spec.Channels + 1, spec.Channels, 3);
            }

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

            if (final is not null)
            {
                h = Apply(final, MinibatchStdDev(h, group));
            }

            var y = output.call(functional.relu(h).sum(new long[] { 2, 3 }));
            return y.reshape(leading.Append(y.shape[^1]).ToArray()).MoveToOuterDisposeScope();
        }

        // [N, C, H, W] → [N, C + 1, H, W]: groups of g examples (i, i + N/g, i + 2N/g, …, as StyleGAN2 takes them),
        // the standard deviation over each group of each feature and position, averaged into one number per group.
        private static torch.Tensor MinibatchStdDev(torch.Tensor h, int group)
        {
            long n = h.shape[0], c = h.shape[1], height = h.shape[2], width = h.shape[3];
            long g = Math.Min(group, n);
            while (n % g != 0)
            {
                g--;
            }

            var y = h.reshape(g, n / g, c, height, width);
            y = (y - y.mean(new long[] { 0 }, keepdim: true)).square().mean(new long[] { 0 }).add(1e-8).sqrt();
            y = y.mean(new long[] { 1, 2, 3 }, keepdim: true).repeat(g, 1, height, width);
            return torch.cat(new[] { h, y }, 1);
        }

        private static Module<torch.Tensor, torch.Tensor> Layer(ResNetDiscriminatorSpec spec, long inputs, long outputs, int kernel) =>
            ConvGeometry.Conv(inputs, outputs, kernel, 1, ConvGeometry.Padding(kernel), spec.SpectralNormalized);

        private static torch.Tensor Apply(Module<torch.Tensor, torch.Tensor> layer, torch.Tensor h) => ConvGeometry.Apply(layer, h);
    }
}
