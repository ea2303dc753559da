using System;
using System.Collections.Generic;
using System.Linq;
using Gen.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch.nn;

namespace Gen.Dsl;

/// <summary>
/// A convolutional residual network over images, the conditioner of image coupling layers: a 3×3 convolution from the
/// input channels to <paramref name="Hidden"/> channels, <paramref name="Blocks"/> residual blocks
/// h + conv3×3(act(conv3×3(act(h)))), an activation, and a 3×3 output convolution whose weights and bias start at zero
/// (so a fresh coupling is the identity). Every convolution keeps the height and width (padding 1), so it maps images
/// [C, H, W] to images [C', H, W] of the same size; its channel counts come from where it is used. Any batch
/// dimensions before [C, H, W] are kept. With a normalisation (<see cref="WithNormalization"/>) every activation
/// is preceded by one, as in pre-activation residual networks: h + conv(act(norm(conv(act(norm(h)))))), and
/// output(act(norm(h))).
/// </summary>
/// <param name="Hidden">Channels between the input and output convolutions.</param>
/// <param name="Blocks">Residual blocks (0 or more).</param>
/// <param name="Activation">The activation inside the network.</param>
public sealed record ConvResNetSpec(int Hidden, int Blocks, Activation Activation) : NetworkSpec
{
    /// <summary>The normalisation before each activation (per channel); none by default.</summary>
    public Normalization Normalization { get; init; }

    /// <summary>The same network with another activation.</summary>
    public ConvResNetSpec WithActivation(Activation activation) => this with { Activation = activation };

    /// <summary>The same network with <paramref name="normalization"/> before each activation.</summary>
    /// <exception cref="GenShapeException">The value is not one of the named normalisations.</exception>
    public ConvResNetSpec WithNormalization(Normalization normalization)
    {
        NormalizationLayers.Check("conv_resnet.normalization", normalization);
        return this with { Normalization = normalization };
    }

    /// <inheritdoc/>
    public override bool DependsOnBatch => Normalization == Normalization.Batch;

    /// <inheritdoc/>
    public override string ToString() => $"ConvResNet({Hidden} channels, {Blocks} blocks; {Activation.ToString().ToLowerInvariant()}{NormalizationLayers.Suffix(Normalization)})";

    /// <summary>Checks the sizes; throws <see cref="GenShapeException"/> naming <paramref name="path"/>.</summary>
    internal void Check(string path)
    {
        if (Hidden <= 0)
        {
            throw new GenShapeException($"{path}.hidden", $"the hidden channel count must be positive, got {Hidden}.");
        }

        if (Blocks < 0)
        {
            throw new GenShapeException($"{path}.blocks", $"the number of residual blocks must be 0 or more, got {Blocks}.");
        }

        MlpSpec.CheckActivation($"{path}.activation", Activation);
        NormalizationLayers.Check($"{path}.normalization", Normalization);
    }

    /// <inheritdoc/>
    public override IReadOnlyList<LayerShape> Trace(string path, long[] input, long[] output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        Check(path);
        if (input.Length != 3 || output.Length != 3 || input[1] != output[1] || input[2] != output[2])
        {
            throw new GenShapeException(path, $"a convolutional residual network maps images [C, H, W] to images [C', H, W] of the same height and width, but it is asked to map {Shape.Format(input)} to {Shape.Format(output)}.");
        }

        var hidden = new[] { Hidden, input[1], input[2] };
        var layers = new List<LayerShape> { new("input", input, hidden) };
        layers.AddRange(Enumerable.Range(0, Blocks).Select(i => new LayerShape($"blocks[{i}]", hidden, hidden)));
        layers.Add(new LayerShape("output", hidden, output));
        return layers;
    }

    /// <inheritdoc/>
    public override Module<torch.Tensor, torch.Tensor> Build(long[] input, long[] output)
    {
        Trace("conv_resnet", input, output);
        return new Network(this, input[0], output[0]);
    }

    /// <inheritdoc/>
    public override void Measure(SpecBudget budget, string path, long[] input, long[] output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        Measure(budget, path, input[0], output[0]);
    }

    private sealed class Network : Module<torch.Tensor, torch.Tensor>
    {
        private readonly Conv2d input;
        private readonly ModuleList<Block> blocks;
        private readonly Module<torch.Tensor, torch.Tensor>? norm;
        private readonly Module<torch.Tensor, torch.Tensor> act;
        private readonly Conv2d output;

        public Network(ConvResNetSpec spec, long inputs, long outputs) : base("conv_resnet")
        {
            input = LayerInitialization.Seeded(Conv2d(inputs, spec.Hidden, 3, padding: 1));
            var list = new Block[spec.Blocks];
            for (int i = 0; i < list.Length; i++)
            {
                list[i] = new Block(spec.Hidden, spec.Activation, spec.Normalization);
            }

            blocks = new ModuleList<Block>(list);
            norm = NormalizationLayers.Channels(spec.Normalization, spec.Hidden);
            act = MlpSpec.MakeActivation(spec.Activation);
            output = LayerInitialization.Seeded(Conv2d(spec.Hidden, outputs, 3, padding: 1));
            using (torch.no_grad())
            {
                output.weight!.zero_();
                output.bias!.zero_();
            }

            RegisterComponents();
        }

        public override torch.Tensor forward(torch.Tensor x)
        {
            using var scope = torch.NewDisposeScope();
            if (x.dim() != 4)
            {
                // The convolutions take [N, C, H, W]: any other batch dimensions are flattened into one and restored after.
                var batch = x.shape[..^3];
                var y = forward(x.reshape(new[] { -1L }.Concat(x.shape[^3..]).ToArray()));
                return y.reshape(batch.Concat(y.shape[1..]).ToArray()).MoveToOuterDisposeScope();
            }

            var h = Convolutions.Apply(input, x);
            foreach (var block in blocks)
            {
                h = block.forward(h);
            }

            return Convolutions.Apply(output, act.forward(norm is null ? h : norm.call(h))).MoveToOuterDisposeScope();
        }
    }

    private sealed class Block : Module<torch.Tensor, torch.Tensor>
    {
        private readonly Module<torch.Tensor, torch.Tensor> act;
        private readonly Module<torch.Tensor, torch.Tensor>? norm1;
        private readonly Conv2d conv1;
        private readonly Module<torch.Tensor, torch.Tensor>? norm2;
        private readonly Conv2d conv2;

        public Block(int channels, Activation activation, Normalization normalization) : base("block")
        {
            act = MlpSpec.MakeActivation(activation);
            norm1 = NormalizationLayers.Channels(normalization, channels);
            conv1 = LayerInitialization.Seeded(Conv2d(channels, channels, 3, padding: 1));
            norm2 = NormalizationLayers.Channels(normalization, channels);
            conv2 = LayerInitialization.Seeded(Conv2d(channels, channels, 3, padding: 1));
            RegisterComponents();
        }

        public override torch.Tensor forward(torch.Tensor h) => h + Convolutions.Apply(conv2, Activated(Convolutions.Apply(conv1, Activated(h, norm1)), norm2));

        private torch.Tensor Activated(torch.Tensor h, Module<torch.Tensor, torch.Tensor>? norm) => act.forward(norm is null ? h : norm.call(h));
    }

    /// <summary>Counts what <see cref="Build"/> builds for <paramref name="inputs"/> and <paramref name="outputs"/> channels into <paramref name="budget"/>.</summary>
    internal void Measure(SpecBudget budget, string path, long inputs, long outputs)
    {
        budget.Width($"{path}.hidden", Hidden);
        long norm = Normalization == Normalization.None ? 0 : 2L * Hidden;
        long statistics = Normalization == Normalization.Batch ? (2L * Hidden) + 1 : 0;
        budget.Conv($"{path}.input", inputs, Hidden, 3, 3);
        for (int i = 0; i < Blocks; i++)
        {
            var block = $"{path}.blocks[{i}]";
            budget.Conv(block, Hidden, Hidden, 3, 3);
            budget.Conv(block, Hidden, Hidden, 3, 3);
            budget.Add(block, 2 * norm);
            budget.Buffer(block, 2 * statistics);
        }

        budget.Add(path, norm);
        budget.Buffer(path, statistics);
        budget.Conv($"{path}.output", Hidden, outputs, 3, 3);
    }
}
