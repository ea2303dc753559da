using System;
using System.Collections.Generic;
using System.Linq;
using Gen.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch.nn;

namespace Gen.Dsl;

/// <summary>
/// A style-based generator after StyleGAN2 (Karras et al. 2020), from a vector to images [C, H, W]. A mapping network
/// (the latent normalised to unit mean square, then <see cref="MappingLayers"/> fully connected layers of
/// <see cref="StyleWidth"/> units with leaky ReLU 0.2, learning rate × 0.01) turns the latent z into a style w. The
/// synthesis network starts from a learnt constant of <see cref="Channels"/> maps at H / 2^B × W / 2^B, applies one
/// layer there and two after each of the <see cref="Blocks"/> (B) bilinear 2× up-samplings. Each layer is a 3×3
/// convolution whose input channels are scaled by a style (an affine map of w, initially 1) and whose output channels
/// are demodulated back to unit expected variance, then adds per-pixel Gaussian noise times a learnt strength
/// (initially 0), a bias and leaky ReLU 0.2 × √2. Each resolution also gives an image through a modulated 1×1
/// convolution without demodulation ("to RGB"); the images are up-sampled and summed (the skip generator). Every
/// weight uses the equalised learning rate: drawn from N(0, 1) and scaled by 1/√fan-in when applied.
/// </summary>
/// <remarks>
/// <para>Noise: in training mode each pass draws fresh noise from the network's own stream (its seed and pass count are
/// buffers, so a fixed seed gives the same noise and a resumed run goes on where it stopped); in evaluation mode every
/// layer adds its own fixed noise map, drawn when the network is built and saved with it, as StyleGAN2 evaluates,
/// so a sample is a function of its latent alone.</para>
/// <para>Differences from the paper, for images of 28×28 to 64×64: up-sampling is bilinear (on the interior the same
/// [1, 3, 3, 1] filter StyleGAN2 applies after a transposed convolution) followed by the 3×3 convolution; every
/// resolution has <see cref="Channels"/> maps; the truncation trick of a GAN draws truncated latents z
/// (<see cref="GanModel.SampleTruncated"/>), not w towards its mean; style mixing and the path-length regulariser are
/// not part of the network.</para>
/// <para>With <see cref="WithClasses"/> the one-hot label at the end of the input is embedded to
/// <see cref="StyleWidth"/> numbers, normalised like the latent and concatenated to it before the mapping network, as
/// StyleGAN2-ADA conditions its generator.</para>
/// </remarks>
/// <param name="Channels">Feature maps at every resolution.</param>
/// <param name="Blocks">Up-sampling blocks, each doubling the sides.</param>
/// <param name="StyleWidth">The width of w and of the mapping network (512 in the paper).</param>
/// <param name="MappingLayers">Fully connected layers of the mapping network (8 in the paper).</param>
public sealed record StyleGeneratorSpec(int Channels, int Blocks, int StyleWidth, int MappingLayers) : NetworkSpec
{
    /// <summary>
    /// The mapping network's learning-rate multiplier: its weights are stored 1 / rate times larger and scaled back when
    /// applied, so an optimizer's steps move them rate times as far (StyleGAN's 0.01, the default). Over a short run
    /// that leaves the mapping nearly as it started: a class-conditional generator on the 8×8 digits drew 71 % of its
    /// samples in their class after 800 rounds at 0.01, and 99.6 % at 1.
    /// </summary>
    public double MappingRate { get; init; } = 0.01;

    /// <summary>The same generator with the mapping network's learning-rate multiplier <paramref name="rate"/> (see <see cref="MappingRate"/>).</summary>
    /// <param name="rate">A multiplier in (0, 1].</param>
    /// <exception cref="GenShapeException">The multiplier is out of range.</exception>
    public StyleGeneratorSpec WithMappingRate(double rate)
    {
        var spec = this with { MappingRate = rate };
        spec.Check("style_generator");
        return spec;
    }

    /// <summary>The classes of the one-hot label the mapping network reads; 0 (the default) for none.</summary>
    public int Classes { get; init; }

    /// <inheritdoc/>
    public override int ConditioningClasses => Classes;

    /// <summary>
    /// The same generator reading a class label (StyleGAN2-ADA): the last <paramref name="classes"/> inputs are a one-hot
    /// label (as a class-conditional GAN gives them, after the latent), embedded to <see cref="StyleWidth"/> numbers,
    /// normalised and concatenated to the normalised latent before the mapping network.
    /// </summary>
    /// <param name="classes">K, 2 or more; a GAN's classes must equal it.</param>
    /// <exception cref="GenShapeException">The count is out of range.</exception>
    public StyleGeneratorSpec WithClasses(int classes)
    {
        var spec = this with { Classes = classes };
        spec.Check("style_generator");
        return spec;
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"StyleGenerator({Channels} channels, {Blocks} up-sampling blocks; mapping {MappingLayers} x {StyleWidth} at learning rate x {MappingRate.ToString(System.Globalization.CultureInfo.InvariantCulture)}{(Classes > 0 ? $", label of {Classes} classes embedded" : "")}; modulated convolutions, noise)";

    /// <summary>Checks the sizes; throws <see cref="GenShapeException"/> naming <paramref name="path"/>.</summary>
    internal void Check(string path)
    {
        if (Channels < 1)
        {
            throw new GenShapeException($"{path}.channels", $"a layer needs one or more channels, got {Channels}.");
        }

        if (Blocks is < 0 or > 16)
        {
            throw new GenShapeException($"{path}.blocks", $"the generator takes 0 to 16 up-sampling blocks, got {Blocks}.");
        }

        if (StyleWidth < 1)
        {
            throw new GenShapeException($"{path}.style_width", $"the style needs one or more numbers, got {StyleWidth}.");
        }

        if (MappingLayers is < 1 or > 64)
        {
            throw new GenShapeException($"{path}.mapping_layers", $"the mapping network takes 1 to 64 layers, got {MappingLayers}.");
        }

        if (!(MappingRate > 0 && MappingRate <= 1))
        {
            throw new GenShapeException($"{path}.mapping_rate", $"the mapping network's learning-rate multiplier must be in (0, 1], got {MappingRate}.");
        }

        if (Classes < 0 || Classes == 1)
        {
            throw new GenShapeException($"{path}.classes", $"a label needs 2 or more classes (or 0 for none), got {Classes}.");
        }
    }

    /// <inheritdoc/>
    public override IReadOnlyList<LayerShape> Trace(string path, long[] input, long[] output)
    {
        Check(path);
        ConvGeometry.CheckRanks(path, "a style-based generator", input, output, imagesIn: false);
        if (input[0] <= Classes)
        {
            throw new GenShapeException(path, $"the generator reads a one-hot label of {Classes} classes at the end of its input, so it needs more than {Classes} inputs, got {LayerShape.Format(input)}.");
        }

        return ConvGeometry.UpSampling(path, Blocks, Channels, output, new[] { ("mapping", input), ("constant", new long[] { StyleWidth }) });
    }

    /// <inheritdoc/>
    public override Module<torch.Tensor, torch.Tensor> Build(long[] input, long[] output) =>
        new Network(this, Trace("style_generator", input, output));

    /// <inheritdoc/>
    public override void Measure(SpecBudget budget, string path, long[] input, long[] output)
    {
        var layers = Trace(path, input, output);
        budget.Width($"{path}.channels", Channels);
        budget.Width($"{path}.style_width", StyleWidth);
        long latent = input[0] - Classes;
        if (Classes > 0)
        {
            budget.Linear($"{path}.embedding", Classes, StyleWidth);
        }

        for (int i = 0; i < MappingLayers; i++)
        {
            budget.Linear($"{path}.mapping[{i}]", i == 0 ? latent + (Classes > 0 ? StyleWidth : 0) : StyleWidth, StyleWidth);
        }

        budget.Add($"{path}.constant", MlpSpec.Product(layers[1].Output.ToArray()));
        budget.Buffer($"{path}.noise_stream", 2);
        long image = output[0];
        for (int r = 0; r <= Blocks; r++)
        {
            var side = layers[1 + r].Output;
            for (int j = 0; j < (r == 0 ? 1 : 2); j++)
            {
                var layer = $"{path}.resolution[{r}].layer[{j}]";
                budget.Linear($"{layer}.style", StyleWidth, Channels);
                budget.Conv(layer, Channels, Channels, 3, 3);
                budget.Add($"{layer}.noise_strength", 1);
                budget.Buffer($"{layer}.noise", side[1] * side[2]);
            }

            budget.Linear($"{path}.resolution[{r}].to_image.style", StyleWidth, Channels);
            budget.Conv($"{path}.resolution[{r}].to_image", Channels, image, 1, 1);
        }
    }

    /// <summary>The network: mapping, then synthesis; state <c>embedding.*</c>, <c>mapping.{i}.*</c>, <c>constant</c>, <c>layers.{i}.*</c>, <c>to_image.{r}.*</c>, <c>noise_seed</c>, <c>noise_passes</c>.</summary>
    private sealed class Network : Module<torch.Tensor, torch.Tensor>
    {
        private readonly EqualizedLinear? embedding;
        private readonly ModuleList<EqualizedLinear> mapping;
        private readonly Parameter constant;
        private readonly ModuleList<StyleLayer> layers;
        private readonly ModuleList<StyleLayer> to_image;
        private readonly torch.Tensor noise_seed;
        private readonly torch.Tensor noise_passes;
        private readonly long classes;
        private readonly long[] image;

        public Network(StyleGeneratorSpec spec, IReadOnlyList<LayerShape> shapes) : base("style_generator")
        {
            classes = spec.Classes;
            image = shapes[^1].Output.ToArray();
            long latent = shapes[0].Input[0] - classes;
            if (classes > 0)
            {
                embedding = new EqualizedLinear(classes, spec.StyleWidth, 1, 0);
            }

            mapping = new ModuleList<EqualizedLinear>(Enumerable.Range(0, spec.MappingLayers)
                .Select(i => new EqualizedLinear(i == 0 ? latent + (classes > 0 ? spec.StyleWidth : 0) : spec.StyleWidth, spec.StyleWidth, spec.MappingRate, 0)).ToArray());
            constant = Parameter(DeviceRandom.Normal(shapes[1].Output.ToArray(), torch.float32, torch.CPU));
            var convs = new List<StyleLayer>();
            var outputs = new List<StyleLayer>();
            for (int r = 0; r <= spec.Blocks; r++)
            {
                var side = shapes[1 + r].Output;
                for (int j = 0; j < (r == 0 ? 1 : 2); j++)
                {
                    convs.Add(new StyleLayer(spec.StyleWidth, spec.Channels, spec.Channels, 3, demodulate: true, new[] { side[1], side[2] }));
                }

                outputs.Add(new StyleLayer(spec.StyleWidth, spec.Channels, image[0], 1, demodulate: false, null));
            }

            layers = new ModuleList<StyleLayer>(convs.ToArray());
            to_image = new ModuleList<StyleLayer>(outputs.ToArray());
            noise_seed = DeviceRandom.Integers(int.MaxValue, new long[] { 1 }, torch.CPU).reshape(Array.Empty<long>());
            noise_passes = torch.zeros(Array.Empty<long>(), torch.int64);
            RegisterComponents();
        }

        public override torch.Tensor forward(torch.Tensor x)
        {
            using var scope = torch.NewDisposeScope();
            // Convolutions take one batch dimension: fold any leading ones into it and unfold them at the end.
            var leading = x.shape[..^1];
            var flat = x.reshape(-1, x.shape[^1]);
            var z = Normalize(classes > 0 ? flat.narrow(1, 0, flat.shape[1] - classes) : flat);
            if (embedding is not null)
            {
                z = torch.cat(new[] { z, Normalize(embedding.forward(flat.narrow(1, flat.shape[1] - classes, classes))) }, 1);
            }

            var w = z;
            foreach (var layer in mapping)
            {
                w = Activate(layer.forward(w));
            }

            // Training passes draw fresh noise from the network's own stream: seeded by its seed and pass count.
            using var noise = training ? Seed.Generator(unchecked(noise_seed.item<long>() + (noise_passes.item<long>() * 0x9E3779B9L))) : null;
            if (training)
            {
                using var noGrad = torch.no_grad();
                noise_passes.add_(1);
            }

            long n = flat.shape[0];
            var h = constant.unsqueeze(0).expand(n, -1, -1, -1);
            h = layers[0].Forward(h, w, noise);
            var y = to_image[0].Forward(h, w, null);
            for (int r = 1; r < to_image.Count; r++)
            {
                h = layers[(2 * r) - 1].Forward(Up(h), w, noise);
                h = layers[2 * r].Forward(h, w, noise);
                y = Up(y) + to_image[r].Forward(h, w, null);
            }

            return y.reshape(leading.Concat(image).ToArray()).MoveToOuterDisposeScope();
        }

        // StyleGAN's pixel norm: each row scaled to unit mean square.
        private static torch.Tensor Normalize(torch.Tensor v) => v * (v.square().mean(new long[] { 1 }, keepdim: true) + 1e-8).rsqrt();

        private static torch.Tensor Up(torch.Tensor h) =>
            functional.interpolate(h, scale_factor: new[] { 2.0, 2.0 }, mode: torch.InterpolationMode.Bilinear, align_corners: false);
    }

    // Leaky ReLU 0.2 with StyleGAN's gain √2, which keeps the second moment of a unit-variance input.
    private static torch.Tensor Activate(torch.Tensor h) => functional.leaky_relu(h, 0.2) * Math.Sqrt(2);

    /// <summary>A fully connected layer with the equalised learning rate: weights N(0, 1/rate²) scaled by rate/√fan-in, bias scaled by rate.</summary>
    private sealed class EqualizedLinear : Module<torch.Tensor, torch.Tensor>
    {
        private readonly Parameter weight;
        private readonly Parameter bias;
        private readonly double gain;
        private readonly double rate;

        public EqualizedLinear(long inputs, long outputs, double rate, double biasStart) : base("equalized_linear")
        {
            this.rate = rate;
            gain = rate / Math.Sqrt(inputs);
            weight = Parameter(DeviceRandom.Normal(new[] { outputs, inputs }, torch.float32, torch.CPU) / rate);
            bias = Parameter(torch.full(outputs, biasStart / rate, torch.float32));
            RegisterComponents();
        }

        public override torch.Tensor forward(torch.Tensor x) => functional.linear(x, weight * gain, bias * rate);
    }

    /// <summary>
    /// A modulated convolution: input channels scaled by a style, output channels demodulated (or not, for the image
    /// outputs, whose style carries the 1/√fan-in gain instead); with noise, bias and activation when demodulated.
    /// </summary>
    private sealed class StyleLayer : torch.nn.Module
    {
        private readonly EqualizedLinear style;
        private readonly Parameter weight;
        private readonly Parameter bias;
        private readonly Parameter? noise_strength;
        private readonly torch.Tensor? noise;
        private readonly bool demodulate;
        private readonly long padding;

        public StyleLayer(long width, long inputs, long outputs, int kernel, bool demodulate, long[]? side) : base("style_layer")
        {
            this.demodulate = demodulate;
            padding = (kernel - 1) / 2;
            style = new EqualizedLinear(width, inputs, 1, 1);
            weight = Parameter(DeviceRandom.Normal(new long[] { outputs, inputs, kernel, kernel }, torch.float32, torch.CPU));
            bias = Parameter(torch.zeros(outputs, torch.float32));
            if (side is not null)
            {
                noise_strength = Parameter(torch.zeros(Array.Empty<long>(), torch.float32));
                noise = DeviceRandom.Normal(new long[] { 1, 1, side[0], side[1] }, torch.float32, torch.CPU);
            }

            RegisterComponents();
        }

        public torch.Tensor Forward(torch.Tensor x, torch.Tensor w, torch.Generator? stream)
        {
            var s = style.forward(w);
            if (!demodulate)
            {
                s = s / Math.Sqrt(weight.shape[1] * weight.shape[2] * weight.shape[3]);
            }

            var y = Convolutions.Conv2d(x * s.unsqueeze(-1).unsqueeze(-1), weight, padding: new[] { padding, padding });
            if (demodulate)
            {
                // 1 / sqrt(Σ_{in, kernel} (weight · style)²) per example and output channel.
                var d = (s.square().matmul(weight.square().sum(new long[] { 2, 3 }).t()) + 1e-8).rsqrt();
                y = y * d.unsqueeze(-1).unsqueeze(-1);
            }

            if (noise_strength is not null)
            {
                var n = stream is null
                    ? noise!
                    : DeviceRandom.Normal(new[] { y.shape[0], 1, y.shape[2], y.shape[3] }, y.dtype, y.device, stream);
                y = y + (n * noise_strength);
            }

            y = y + bias.reshape(1, -1, 1, 1);
            return demodulate ? Activate(y) : y;
        }
    }
}
