using System;
using System.Collections.Generic;
using System.Linq;
using Gen.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch.nn;

namespace Gen.Dsl;

/// <summary>
/// The residual generator of SNGAN (Miyato et al. 2018, after Gulrajani et al. 2017), from a vector to images [C, H, W]:
/// a linear layer to <see cref="Channels"/> maps at H / 2^B × W / 2^B, then <see cref="Blocks"/> (B) up-sampling
/// residual blocks, each batch norm, ReLU, nearest 2× up-sampling and a 3×3 convolution, then batch norm, ReLU and a
/// second 3×3 convolution, added to the up-sampled input; then batch norm, ReLU and a 3×3 convolution to C channels.
/// At 28×28 with two blocks: 7×7 → 14×14 → 28×28. Sides not divisible by 2^B are an error at declaration. Built with
/// <see cref="Net.ResNetGenerator"/>; a GAN adds its output activation (<see cref="GanSpec.WithGeneratorOutput"/>).
/// </summary>
/// <param name="Channels">Feature maps of every block.</param>
/// <param name="Blocks">Up-sampling residual blocks, each doubling the sides.</param>
public sealed record ResNetGeneratorSpec(int Channels, int Blocks) : NetworkSpec
{
    /// <inheritdoc/>
    public override bool DependsOnBatch => true;

    /// <inheritdoc/>
    public override string ToString() => $"ResNetGenerator({Channels} channels, {Blocks} up-sampling blocks; relu, batch norm)";

    /// <summary>Checks the sizes; throws <see cref="GenShapeException"/> naming <paramref name="path"/>.</summary>
    internal void Check(string path)
    {
        if (Channels < 1)
        {
            throw new GenShapeException($"{path}.channels", $"a block needs one or more channels, got {Channels}.");
        }

        if (Blocks is < 1 or > 16)
        {
            throw new GenShapeException($"{path}.blocks", $"the generator takes 1 to 16 up-sampling blocks, got {Blocks}.");
        }
    }

    /// <inheritdoc/>
    public override IReadOnlyList<LayerShape> Trace(string path, long[] input, long[] output)
    {
        Check(path);
        if (input.Length != 1)
        {
            throw new GenShapeException(path, $"a residual generator takes a vector, got {LayerShape.Format(input)}.");
        }

        if (output.Length != 3)
        {
            throw new GenShapeException(path, $"a residual generator gives image events [channels, height, width], but {LayerShape.Format(output)} is asked of it.");
        }

        long scale = 1L << Blocks;
        if (output[1] % scale != 0 || output[2] % scale != 0)
        {
            throw new GenShapeException(path, $"{Blocks} up-sampling blocks double the sides {Blocks} times, so the image's sides must be multiples of {scale}, but {LayerShape.Format(output)} is asked of it; use fewer blocks or another size.");
        }

        var layers = new List<LayerShape>();
        var map = new long[] { Channels, output[1] / scale, output[2] / scale };
        layers.Add(new LayerShape("input", input, map));
        for (int i = 0; i < Blocks; i++)
        {
            var next = new long[] { Channels, map[1] * 2, map[2] * 2 };
            layers.Add(new LayerShape($"block[{i}]", map, next));
            map = next;
        }

        layers.Add(new LayerShape("output", map, output));
        return layers;
    }

    /// <inheritdoc/>
    public override Module<torch.Tensor, torch.Tensor> Build(long[] input, long[] output) =>
        new Network(this, Trace("resnet_generator", input, output));

    /// <inheritdoc/>
    public override void Measure(SpecBudget budget, string path, long[] input, long[] output)
    {
        var layers = Trace(path, input, output);
        budget.Width($"{path}.channels", Channels);
        budget.Linear($"{path}.input", input[0], MlpSpec.Product(layers[0].Output.ToArray()));
        for (int i = 0; i < Blocks; i++)
        {
            var block = $"{path}.block[{i}]";
            Norm(budget, block, Channels);
            budget.Conv($"{block}.conv[0]", Channels, Channels, 3, 3);
            Norm(budget, block, Channels);
            budget.Conv($"{block}.conv[1]", Channels, Channels, 3, 3);
        }

        Norm(budget, $"{path}.output", Channels);
        budget.Conv($"{path}.output", Channels, output[0], 3, 3);
    }

    // A batch norm's scale and shift, running statistics and counter.
    private static void Norm(SpecBudget budget, string path, long channels)
    {
        budget.Add(path, 2 * channels);
        budget.BatchStatistics(path, channels);
    }

    private sealed class Network : Module<torch.Tensor, torch.Tensor>
    {
        private readonly Linear input;
        private readonly ModuleList<BatchNorm2d> norm;
        private readonly ModuleList<Conv2d> conv;
        private readonly BatchNorm2d last;
        private readonly Conv2d output;
        private readonly long[] map;
        private readonly long[] image;

        public Network(ResNetGeneratorSpec spec, IReadOnlyList<LayerShape> layers) : base("resnet_generator")
        {
            map = layers[0].Output.ToArray();
            image = layers[^1].Output.ToArray();
            input = LayerInitialization.Seeded(Linear(layers[0].Input[0], map.Aggregate(1L, (a, b) => a * b)));
            var norms = new List<BatchNorm2d>();
            var convs = new List<Conv2d>();
            for (int i = 0; i < spec.Blocks; i++)
            {
                for (int j = 0; j < 2; j++)
                {
                    norms.Add(BatchNorm2d(spec.Channels));
                    convs.Add(LayerInitialization.Seeded(Conv2d(spec.Channels, spec.Channels, 3, padding: 1)));
                }
            }

            norm = new ModuleList<BatchNorm2d>(norms.ToArray());
            conv = new ModuleList<Conv2d>(convs.ToArray());
            last = BatchNorm2d(spec.Channels);
            output = LayerInitialization.Seeded(Conv2d(spec.Channels, image[0], 3, padding: 1));
            RegisterComponents();
        }

        public override torch.Tensor forward(torch.Tensor z)
        {
            using var scope = torch.NewDisposeScope();
            // Convolutions take one batch dimension: fold any leading ones into it and unfold them at the end.
            var leading = z.shape[..^1];
            var h = input.forward(z.reshape(-1, z.shape[^1])).reshape(-1, map[0], map[1], map[2]);
            for (int i = 0; i < conv.Count; i += 2)
            {
                var up = Up(h);
                var r = Convolutions.Apply(conv[i], Up(functional.relu(norm[i].forward(h))));
                r = Convolutions.Apply(conv[i + 1], functional.relu(norm[i + 1].forward(r)));
                h = up + r;
            }

            var x = Convolutions.Apply(output, functional.relu(last.forward(h)));
            return x.reshape(leading.Concat(image).ToArray()).MoveToOuterDisposeScope();
        }

        // Nearest-neighbour 2× up-sampling.
        private static torch.Tensor Up(torch.Tensor h) => h.repeat_interleave(2, 2).repeat_interleave(2, 3);
    }
}
