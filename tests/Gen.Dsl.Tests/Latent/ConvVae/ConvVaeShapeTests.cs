using System;
using System.Linq;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Latent.ConvVae;

public class ConvVaeShapeTests
{
    internal static VaeSpec Mnist(int latent = 16) =>
        Gen.Dsl.Latent.Vae(1, 28, 28, latent).WithEncoder(Net.ConvEncoder(32, 64)).WithDecoder(Net.ConvDecoder(64, 32));

    private static string[] Lines(System.Collections.Generic.IReadOnlyList<LayerShape> layers) => layers.Select(l => l.ToString()).ToArray();

    [Fact]
    public void The_spec_infers_every_layers_shapes_and_prints_them()
    {
        var spec = Mnist();
        Assert.Equal(new[] { 1, 28, 28 }, spec.DataShape);
        Assert.Equal(784, spec.Features);
        Assert.Equal(
            new[] { "conv[0]: [1, 28, 28] -> [32, 14, 14]", "conv[1]: [32, 14, 14] -> [64, 7, 7]", "output: [64, 7, 7] -> [32]" },
            Lines(spec.EncoderLayers));
        Assert.Equal(
            new[] { "input: [16] -> [64, 7, 7]", "deconv[0]: [64, 7, 7] -> [32, 14, 14]", "deconv[1]: [32, 14, 14] -> [1, 28, 28]" },
            Lines(spec.DecoderLayers));

        // A decoded scale doubles the decoder's output channels; a posterior flow widens the encoder's output.
        var gaussian = spec.WithLikelihood(Likelihood.Gaussian()).WithPosteriorFlow(PosteriorFlowKind.Radial, 2);
        Assert.Equal("deconv[1]: [32, 14, 14] -> [2, 28, 28]", gaussian.DecoderLayers[^1].ToString());
        Assert.Equal("output: [64, 7, 7] -> [68]", gaussian.EncoderLayers[^1].ToString());

        var text = spec.ToString();
        Assert.StartsWith("Vae([1, 28, 28] images, 16 latent)", text);
        Assert.Contains("encoder: ConvEncoder(32, 64; 4x4 stride 2; relu) -> DiagonalNormal(16)", text);
        Assert.Contains("\n    conv[1]: [32, 14, 14] -> [64, 7, 7]", text.ReplaceLineEndings("\n"));
        Assert.Contains("decoder: ConvDecoder(64, 32; 4x4 stride 2; relu) -> Bernoulli([1, 28, 28])", text);
        Assert.Contains("\n    deconv[1]: [32, 14, 14] -> [1, 28, 28]", text.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Odd_sides_floor_in_the_encoder_and_are_reached_exactly_by_the_decoder()
    {
        // 28 → 14 → 7 → 3 with three 4×4 stride-2 layers; the decoder goes 3 → 7 (one extra row and column) → 14 → 28.
        var spec = Gen.Dsl.Latent.Vae(1, 28, 28, 4).WithEncoder(Net.ConvEncoder(4, 4, 4)).WithDecoder(Net.ConvDecoder(4, 4, 4));
        Assert.Equal("conv[2]: [4, 7, 7] -> [4, 3, 3]", spec.EncoderLayers[2].ToString());
        Assert.Equal(new[] { "input: [4] -> [4, 3, 3]", "deconv[0]: [4, 3, 3] -> [4, 7, 7]", "deconv[1]: [4, 7, 7] -> [4, 14, 14]", "deconv[2]: [4, 14, 14] -> [1, 28, 28]" }, Lines(spec.DecoderLayers));
    }

    [Fact]
    public void The_compiled_layers_give_exactly_the_inferred_shapes()
    {
        // Kernels 1 to 5, every stride up to the kernel, rectangular images of odd and even sides, 1 to 3 channels.
        var r = new Random(3);
        int checkedCount = 0;
        for (int kernel = 1; kernel <= 5; kernel++)
        {
            for (int stride = 1; stride <= Math.Min(kernel, 3); stride++)
            {
                int channels = r.Next(1, 4), height = r.Next(5, 20), width = r.Next(5, 20);
                var layers = Enumerable.Repeat(3, r.Next(1, 3)).ToArray();
                VaeSpec spec;
                try
                {
                    spec = Gen.Dsl.Latent.Vae(channels, height, width, 2)
                        .WithEncoder(Net.ConvEncoder(layers).WithKernel(kernel, stride))
                        .WithDecoder(Net.ConvDecoder(layers).WithKernel(kernel, stride));
                }
                catch (GenShapeException)
                {
                    continue;
                }

                using var model = spec.Compile(Device.Cpu, seed: 0);
                var x = torch.ones(2, channels, height, width);
                Assert.Equal(new long[] { 2 }, model.Elbo(x, Seed.Generator(0)).shape);
                Assert.Equal(new long[] { 2, channels, height, width }, model.Reconstruct(x).shape);
                checkedCount++;
            }
        }

        Assert.True(checkedCount >= 8, $"only {checkedCount} geometries were valid");
    }

    [Fact]
    public void Sizes_the_layers_cannot_map_fail_at_declaration_naming_the_layer_and_the_shapes()
    {
        // Five stride-2 layers: 28 → 14 → 7 → 3 → 1, and a 4×4 window with padding 1 does not fit in one pixel.
        var encoder = Assert.Throws<GenShapeException>(() => Gen.Dsl.Latent.Vae(1, 28, 28, 8).WithEncoder(Net.ConvEncoder(8, 8, 8, 8, 8)));
        Assert.Equal("vae.encoder.conv[4]", encoder.Node);
        Assert.Equal(
            "vae.encoder.conv[4]: a 4x4 convolution with stride 2 and padding 1 needs at least 2x2 pixels, but its input is [8, 1, 1] (the encoder's input is [1, 28, 28]); use fewer layers, a smaller stride or larger images.",
            encoder.Message);

        // The decoder works back from 28: 14, 7, 3, 1, and no 4×4 transposed convolution gives a 1×1 map.
        var decoder = Assert.Throws<GenShapeException>(() => Gen.Dsl.Latent.Vae(1, 28, 28, 8).WithDecoder(Net.ConvDecoder(8, 8, 8, 8, 8)));
        Assert.Equal("vae.decoder.deconv[0]", decoder.Node);
        Assert.Contains("a 4x4 transposed convolution with stride 2 and padding 1 gives at least 2x2 pixels, but must give 1x1", decoder.Message);
        Assert.Contains("[1, 28, 28]", decoder.Message);

        // Rectangular: the width runs out first.
        var wide = Assert.Throws<GenShapeException>(() => Gen.Dsl.Latent.Vae(3, 32, 6, 8).WithEncoder(Net.ConvEncoder(4, 4, 4)));
        Assert.Equal("vae.encoder.conv[2]", wide.Node);
        Assert.Contains("[4, 8, 1]", wide.Message);
    }

    [Fact]
    public void Networks_of_the_wrong_kind_for_the_data_fail_naming_the_node_and_the_shapes()
    {
        var vector = Gen.Dsl.Latent.Vae(784, 8);
        var encoder = Assert.Throws<GenShapeException>(() => vector.WithEncoder(Net.ConvEncoder(8)));
        Assert.Equal("vae.encoder: a convolutional encoder takes image events [channels, height, width], got [784].", encoder.Message);
        var decoder = Assert.Throws<GenShapeException>(() => vector.WithDecoder(Net.ConvDecoder(8)));
        Assert.Equal("vae.decoder: a convolutional decoder gives image events [channels, height, width], but [784] is asked of it.", decoder.Message);

        // Swapped: a decoder as the encoder.
        var swapped = Assert.Throws<GenShapeException>(() => Mnist().WithEncoder(Net.ConvDecoder(8)));
        Assert.Equal("vae.encoder: a convolutional decoder takes a vector, got [1, 28, 28].", swapped.Message);

        // The networks' shapes outside a model.
        Assert.Equal("network: a convolutional encoder gives a vector, but [2, 3] is asked of it.", Assert.Throws<GenShapeException>(() => Net.ConvEncoder(4).Layers(new[] { 1, 8, 8 }, new[] { 2, 3 })).Message);
        Assert.Equal(new[] { "hidden[0]: [1, 8, 8] -> [5]", "output: [5] -> [2, 3]" }, Lines(Net.Mlp(5).Layers(new[] { 1, 8, 8 }, new[] { 2, 3 })));
        Assert.Equal("network.input", Assert.Throws<GenShapeException>(() => Net.Mlp(5).Layers(new[] { 0 }, new[] { 2 })).Node);
    }

    [Fact]
    public void Bad_network_and_image_sizes_get_clear_errors()
    {
        Assert.Equal("conv_encoder.channels", Assert.Throws<GenShapeException>(() => Net.ConvEncoder()).Node);
        Assert.Equal("conv_decoder.channels[1]", Assert.Throws<GenShapeException>(() => Net.ConvDecoder(8, 0)).Node);
        Assert.Equal("conv_encoder.kernel", Assert.Throws<GenShapeException>(() => Net.ConvEncoder(8).WithKernel(0, 1)).Node);
        var stride = Assert.Throws<GenShapeException>(() => Net.ConvDecoder(8).WithKernel(3, 4));
        Assert.Equal("conv_decoder.stride: the stride must be from 1 to the kernel size 3, got 4.", stride.Message);
        Assert.Equal("conv_encoder.activation", Assert.Throws<GenShapeException>(() => Net.ConvEncoder(8).WithActivation((Activation)99)).Node);
        Assert.Equal("vae.height", Assert.Throws<GenShapeException>(() => Gen.Dsl.Latent.Vae(1, 0, 28, 4)).Node);
        Assert.Equal("vae.channels", Assert.Throws<GenShapeException>(() => Gen.Dsl.Latent.Vae(-1, 28, 28, 4)).Node);
        Assert.Equal("vae.latent", Assert.Throws<GenShapeException>(() => Gen.Dsl.Latent.Vae(1, 28, 28, 0)).Node);

        // A network that was valid in one model is checked again in another.
        var net = Net.ConvEncoder(8, 8, 8);
        Assert.Equal(3, Mnist().WithEncoder(net).EncoderLayers.Count - 1);
        Assert.Equal("vae.encoder.conv[2]", Assert.Throws<GenShapeException>(() => Gen.Dsl.Latent.Vae(1, 6, 6, 2).WithEncoder(net)).Node);
    }

    [Fact]
    public void Image_vaes_take_and_give_image_batches()
    {
        using var model = Mnist(latent: 4).WithEncoder(Net.ConvEncoder(4, 8)).WithDecoder(Net.ConvDecoder(8, 4)).Compile(Device.Cpu, seed: 0);
        var x = torch.rand(5, 1, 28, 28, generator: Seed.Generator(0)).gt(0.5).to(torch.float32);
        var g = Seed.Generator(1);
        Assert.Equal(new long[] { 5 }, model.Elbo(x, g).shape);
        Assert.Equal(new long[] { 5 }, model.Iwae(x, 3, g).shape);
        Assert.Equal(new long[] { 5 }, model.LogProb(x, samples: 6, chunk: 4, g).shape);
        Assert.Equal(new long[] { 5 }, model.NaiveLogProb(x, samples: 6, chunk: 4, g).shape);
        Assert.Equal(new long[] { 5, 1, 28, 28 }, model.Reconstruct(x).shape);
        Assert.Equal(new long[] { 5 }, model.Encode(x).BatchShape);
        Assert.Equal(new long[] { 1, 28, 28 }, model.Decode(torch.zeros(2, 3, 4)).EventShape);
        Assert.Equal(new long[] { 2, 3 }, model.Decode(torch.zeros(2, 3, 4)).BatchShape);
        var samples = model.Sample(7, g);
        Assert.Equal(new long[] { 7, 1, 28, 28 }, samples.shape);
        Assert.True(samples.eq(0).logical_or(samples.eq(1)).all().item<bool>());

        var flat = Assert.Throws<GenShapeException>(() => model.Elbo(x.flatten(1)));
        Assert.Equal("vae.elbo: expects data of shape [batch, 1, 28, 28], got [5, 784].", flat.Message);
        Assert.Contains("Bernoulli", Assert.Throws<ArgumentException>(() => model.Elbo(x * 0.5)).Message);
    }

    [Fact]
    public void An_mlp_vae_over_images_flattens_them_and_mixes_with_conv_networks()
    {
        var x = torch.rand(3, 2, 6, 4, generator: Seed.Generator(0));
        var mlp = Gen.Dsl.Latent.Vae(2, 6, 4, 3).WithEncoder(Net.Mlp(10)).WithDecoder(Net.Mlp(10)).WithLikelihood(Likelihood.Gaussian());
        Assert.Equal("output: [10] -> [4, 6, 4]", mlp.DecoderLayers[^1].ToString());
        foreach (var spec in new[] { mlp, mlp.WithEncoder(Net.ConvEncoder(4).WithKernel(3, 1)), mlp.WithDecoder(Net.ConvDecoder(4).WithKernel(3, 2)) })
        {
            using var model = spec.Compile(Device.Cpu, seed: 0);
            Assert.Equal(new long[] { 3 }, model.Elbo(x, Seed.Generator(1)).shape);
            Assert.Equal(new long[] { 3, 2, 6, 4 }, model.Reconstruct(x).shape);
            Assert.Equal(new long[] { 5, 2, 6, 4 }, model.Sample(5, Seed.Generator(2)).shape);
        }

        // The same weights read the same pixels whether the MLP VAE is declared over images or over flat vectors.
        using var image = mlp.Compile(Device.Cpu, seed: 4);
        using var vector = Gen.Dsl.Latent.Vae(48, 3).WithEncoder(Net.Mlp(10)).WithDecoder(Net.Mlp(10)).WithLikelihood(Likelihood.Gaussian()).Compile(Device.Cpu, seed: 4);
        Assert.Equal(vector.state_dict().Keys.Order(), image.state_dict().Keys.Order());
        Assert.True(image.Elbo(x, Seed.Generator(5)).allclose(vector.Elbo(x.flatten(1), Seed.Generator(5)), 0, 0));
    }
}
