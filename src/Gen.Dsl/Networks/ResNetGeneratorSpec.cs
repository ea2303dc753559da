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
/// With <see cref="WithClasses"/> every batch norm is conditioned on the class, as in BigGAN (Brock et al. 2019).
/// </summary>
/// <param name="Channels">Feature maps of every block.</param>
/// <param name="Blocks">Up-sampling residual blocks, each doubling the sides.</param>
public sealed record ResNetGeneratorSpec(int Channels, int Blocks) : NetworkSpec
{
    /// <summary>The classes the batch norms are conditioned on; 0 (the default) for plain batch norms.</summary>
    public int Classes { get; init; }

    /// <summary>The width of the shared class embedding the conditional batch norms read; 0 when not conditioned.</summary>
    public int Embedding { get; init; }

    /// <summary>
    /// The same generator with class-conditional batch norms (BigGAN): the last <paramref name="classes"/> inputs are a
    /// one-hot label (as a class-conditional GAN gives them, after the latent), a bias-free linear map makes of it a
    /// shared embedding of <paramref name="embedding"/> numbers, and each batch norm's gain and shift are
    /// 1 + (a linear map of the embedding) and a linear map of it, in place of learnt constants. The latent alone feeds
    /// the first linear layer.
    /// </summary>
    /// <param name="classes">K, 2 or more; a GAN's classes must equal it.</param>
    /// <param name="embedding">The shared embedding's width (128 in BigGAN).</param>
    /// <exception cref="GenShapeException">A count is out of range.</exception>
    public ResNetGeneratorSpec WithClasses(int classes, int embedding = 128)
    {
        var spec = this with { Classes = classes, Embedding = embedding };
        spec.Check("resnet_generator");
        return spec;
    }

    /// <inheritdoc/>
    public override bool DependsOnBatch => true;

    /// <inheritdoc/>
    public override int ConditioningClasses => Classes;

    /// <inheritdoc/>
    public override string ToString() =>
        $"ResNetGenerator({Channels} channels, {Blocks} up-sampling blocks; relu, {(Classes > 0 ? $"batch norm conditioned on {Classes} classes through a shared {Embedding}-wide embedding" : "batch norm")})";

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

        if (Classes < 0 || Classes == 1 || (Classes > 0) != (Embedding > 0) || Embedding < 0)
        {
            throw new GenShapeException($"{path}.classes", $"conditional batch norms need 2 or more classes and a positive embedding width (or 0 and 0 for plain ones), got {Classes} classes and width {Embedding}.");
        }
    }

    /// <inheritdoc/>
    public override IReadOnlyList<LayerShape> Trace(string path, long[] input, long[] output)
    {
        Check(path);
        ConvGeometry.CheckRanks(path, "a residual generator", input, output, imagesIn: false);

        if (input[0] <= Classes)
        {
            throw new GenShapeException(path, $"the generator's batch norms read a one-hot label of {Classes} classes at the end of its input, so it needs more than {Classes} inputs, got {LayerShape.Format(input)}.");
        }

        return ConvGeometry.UpSampling(path, Blocks, Channels, output, new[] { ("input", new[] { input[0] - Classes }) });
    }

    /// <inheritdoc/>
    public override Module<torch.Tensor, torch.Tensor> Build(long[] input, long[] output) =>
        new Network(this, Trace("resnet_generator", input, output));

    /// <inheritdoc/>
    public override void Measure(SpecBudget budget, string path, long[] input, long[] output)
    {
        var layers = Trace(path, input, output);
        budget.Width($"{path}.channels", Channels);
        budget.Width($"{path}.embedding", Embedding);
        budget.Linear($"{path}.input", input[0] - Classes, MlpSpec.Product(layers[0].Output.ToArray()));
        if (Classes > 0)
        {
            budget.Linear($"{path}.embedding", Classes, Embedding, bias: false);
        }

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

    // A batch norm's running statistics and counter, and its scale and shift: learnt constants, or linear maps of the
    // class embedding.
    private void Norm(SpecBudget budget, string path, long channels)
    {
        if (Classes > 0)
        {
            budget.Linear($"{path}.condition", Embedding, 2 * channels);
        }
        else
        {
            budget.Add(path, 2 * channels);
        }

        budget.BatchStatistics(path, channels);
    }

    private sealed class Network : Module<torch.Tensor, torch.Tensor>
    {
        private readonly Linear input;
        private readonly ModuleList<BatchNorm2d> norm;
        private readonly ModuleList<Conv2d> conv;
        private readonly BatchNorm2d last;
        private readonly Conv2d output;

        // Conditional only: the shared class embedding and, per batch norm (the last one's at the end), its gain and shift.
        private readonly Linear? embedding;
        private readonly ModuleList<Linear>? condition;
        private readonly long[] map;
        private readonly long[] image;
        private readonly long classes;

        public Network(ResNetGeneratorSpec spec, IReadOnlyList<LayerShape> layers) : base("resnet_generator")
        {
            map = layers[0].Output.ToArray();
            image = layers[^1].Output.ToArray();
            classes = spec.Classes;
            bool affine = spec.Classes == 0;
            input = LayerInitialization.Seeded(Linear(layers[0].Input[0], map.Aggregate(1L, (a, b) => a * b)));
            var norms = new List<BatchNorm2d>();
            var convs = new List<Conv2d>();
            for (int i = 0; i < spec.Blocks; i++)
            {
                for (int j = 0; j < 2; j++)
                {
                    norms.Add(BatchNorm2d(spec.Channels, affine: affine));
                    convs.Add(LayerInitialization.Seeded(Conv2d(spec.Channels, spec.Channels, 3, padding: 1)));
                }
            }

            norm = new ModuleList<BatchNorm2d>(norms.ToArray());
            conv = new ModuleList<Conv2d>(convs.ToArray());
            last = BatchNorm2d(spec.Channels, affine: affine);
            output = LayerInitialization.Seeded(Conv2d(spec.Channels, image[0], 3, padding: 1));
            if (!affine)
            {
                embedding = LayerInitialization.Seeded(Linear(spec.Classes, spec.Embedding, hasBias: false));
                condition = new ModuleList<Linear>(Enumerable.Range(0, norms.Count + 1).Select(_ => LayerInitialization.Seeded(Linear(spec.Embedding, 2L * spec.Channels))).ToArray());
            }

            RegisterComponents();
        }

        public override torch.Tensor forward(torch.Tensor x)
        {
            using var scope = torch.NewDisposeScope();
            // Convolutions take one batch dimension: fold any leading ones into it and unfold them at the end.
            var leading = x.shape[..^1];
            var flat = x.reshape(-1, x.shape[^1]);
            var z = classes > 0 ? flat.narrow(1, 0, flat.shape[1] - classes) : flat;
            var e = embedding?.forward(flat.narrow(1, flat.shape[1] - classes, classes));
            var h = input.forward(z).reshape(-1, map[0], map[1], map[2]);
            for (int i = 0; i < conv.Count; i += 2)
            {
                var up = Up(h);
                var r = Convolutions.Apply(conv[i], Up(functional.relu(Normalize(norm[i], i, h, e))));
                r = Convolutions.Apply(conv[i + 1], functional.relu(Normalize(norm[i + 1], i + 1, r, e)));
                h = up + r;
            }

            var y = Convolutions.Apply(output, functional.relu(Normalize(last, norm.Count, h, e)));
            return y.reshape(leading.Concat(image).ToArray()).MoveToOuterDisposeScope();
        }

        // The batch norm; conditioned, its gain 1 + γ(e) and shift β(e) come from the class embedding e.
        private torch.Tensor Normalize(BatchNorm2d layer, int index, torch.Tensor h, torch.Tensor? e)
        {
            var normalized = layer.forward(h);
            if (e is null)
            {
                return normalized;
            }

            var parameters = condition![index].forward(e);
            var gain = parameters.narrow(1, 0, h.shape[1]).unsqueeze(-1).unsqueeze(-1);
            var shift = parameters.narrow(1, h.shape[1], h.shape[1]).unsqueeze(-1).unsqueeze(-1);
            return (normalized * (gain + 1)) + shift;
        }

        // Nearest-neighbour 2× up-sampling, as a broadcast: its gradient is a sum over each 2×2 cell (repeat_interleave's
        // backward scatters index by index, and took most of the block's time on the CPU).
        private static torch.Tensor Up(torch.Tensor h)
        {
            long n = h.shape[0], c = h.shape[1], height = h.shape[2], width = h.shape[3];
            return h.reshape(n, c, height, 1, width, 1).expand(n, c, height, 2, width, 2).reshape(n, c, 2 * height, 2 * width);
        }
    }
}
