using System;
using System.Linq;
using Gen.Data;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Gans;

/// <summary>GANs over images: convolutional networks as spec nodes, checked against the data shape where they are declared.</summary>
public sealed class ImageGanTests
{
    [Fact]
    public void A_dcgan_draws_images_of_the_declared_shape_and_scores_each_with_one_logit()
    {
        var spec = Adversarial.DcGan(16, 1, 28, 28, filters: 8);
        Assert.Equal(new long[] { 1, 28, 28 }, spec.EventShape);
        Assert.Equal(784, spec.Features);
        using var model = spec.Compile(Device.Cpu, torch.float64, seed: 0);
        Assert.Equal(new long[] { 1, 28, 28 }, model.SampleShape);
        var x = model.Sample(5, Seed.Generator(1));
        Assert.Equal(new long[] { 5, 1, 28, 28 }, x.shape);
        // The tanh output keeps samples inside the data's [−1, 1].
        Assert.True(x.abs().max().ToDouble() < 1);
        var logits = model.Discriminate(x);
        Assert.Equal(new long[] { 5 }, logits.shape);
        // The generator and the discriminator are the declared convolutional networks.
        var names = model.state_dict().Keys.ToArray();
        Assert.Contains("generator.deconv.0.weight", names);
        Assert.Contains("discriminator.network.conv.1.weight", names);
        Assert.Contains("discriminator.network.output.weight", names);
        // Transposed convolutions hold [in, out, k, k]: 16 → 8 → 1 channels.
        Assert.Equal(new long[] { 16, 8, 4, 4 }, model.state_dict()["generator.deconv.0.weight"].shape);
        Assert.Equal(new long[] { 8, 1, 4, 4 }, model.state_dict()["generator.deconv.1.weight"].shape);
        // Flattened images are refused with the shape the model wants.
        var e = Assert.Throws<GenShapeException>(() => model.Discriminate(x.reshape(5, 784)));
        Assert.Equal("gan.samples", e.Node);
        Assert.Contains("[batch, 1, 28, 28]", e.Message);
    }

    [Fact]
    public void A_generator_that_cannot_give_the_data_shape_is_refused_at_declaration_naming_the_layer_and_both_shapes()
    {
        // Three stride-2 transposed convolutions cannot end at 4×4: the first would have to start below one pixel.
        var e = Assert.Throws<GenShapeException>(() => Adversarial.Gan(8, 1, 4, 4).Generator(Net.ConvDecoder(32, 16, 8)));
        Assert.StartsWith("gan.generator.deconv[", e.Node);
        Assert.Contains("[1, 4, 4]", e.Message);
        // Four stride-2 convolutions cannot read 4×4 images.
        e = Assert.Throws<GenShapeException>(() => Adversarial.Gan(8, 1, 4, 4).Discriminator(Net.ConvEncoder(8, 16, 32, 64)));
        Assert.StartsWith("gan.discriminator.conv[", e.Node);
        Assert.Contains("[1, 4, 4]", e.Message);
        // An encoder gives vectors, so it cannot be an image generator; a decoder cannot read images.
        e = Assert.Throws<GenShapeException>(() => Adversarial.Gan(8, 1, 8, 8).Generator(Net.ConvEncoder(8)));
        Assert.Equal("gan.generator", e.Node);
        Assert.Contains("[8]", e.Message);
        e = Assert.Throws<GenShapeException>(() => Adversarial.Gan(8, 1, 8, 8).Discriminator(Net.ConvDecoder(8)));
        Assert.Equal("gan.discriminator", e.Node);
        Assert.Contains("[1, 8, 8]", e.Message);
        // A vector GAN with a convolutional generator names its vector shape.
        e = Assert.Throws<GenShapeException>(() => Adversarial.Gan(8, 64).Generator(Net.ConvDecoder(8)));
        Assert.Contains("[64]", e.Message);
        // A data shape of another rank.
        e = Assert.Throws<GenShapeException>(() => Adversarial.Gan(8, 8, 8));
        Assert.Equal("gan.data", e.Node);
        Assert.Contains("[8, 8]", e.Message);
    }

    [Fact]
    public void A_conditional_convolutional_discriminator_adds_the_labels_output_to_the_shared_logit()
    {
        var spec = Adversarial.DcGan(8, 1, 8, 8, filters: 4).WithClasses(3);
        using var model = spec.Compile(Device.Cpu, torch.float64, seed: 0);
        // One shared logit and one output per class from the encoder's last linear layer: the projection term.
        var head = model.state_dict()["discriminator.network.output.weight"];
        Assert.Equal(4, head.shape[0]);
        var labels = torch.tensor(new long[] { 0, 1, 2, 2 });
        var x = model.SampleGiven(labels, Seed.Generator(0));
        Assert.Equal(new long[] { 4, 1, 8, 8 }, x.shape);
        var logits = Enumerable.Range(0, 3).Select(k => model.Discriminate(x, torch.full(new long[] { 4 }, k, torch.int64))).ToArray();
        // The logit for class k minus class j is the same linear functional of the features for every image only if
        // the classes' outputs differ; they do, and each image's logits differ between classes.
        Assert.True((logits[0] - logits[1]).abs().min().ToDouble() > 1e-9);
        using var noGrad = torch.no_grad();
        var w = head;
        var b = model.state_dict()["discriminator.network.output.bias"];
        // With the weights of classes 1 and 2 made equal to each other, their logits agree for every image.
        w[2].copy_(w[1]);
        b[2].copy_(b[1]);
        var one = model.Discriminate(x, torch.full(new long[] { 4 }, 1L, torch.int64));
        var two = model.Discriminate(x, torch.full(new long[] { 4 }, 0L, torch.int64) + 1);
        Assert.True(one.allclose(two));
        w[3].copy_(w[2]);
        b[3].copy_(b[2]);
        Assert.True(model.Discriminate(x, torch.full(new long[] { 4 }, 2L, torch.int64)).allclose(one));
    }

    [Fact]
    public void A_spectrally_normalised_convolutional_discriminator_has_unit_spectral_norm_in_every_layer()
    {
        var spec = Adversarial.DcGan(8, 1, 8, 8, filters: 4).WithSpectralNorm();
        Assert.True(((ConvEncoderSpec)spec.DiscriminatorNetwork).SpectralNormalized);
        using var model = spec.Compile(Device.Cpu, torch.float64, seed: 0);
        var norms = model.modules().OfType<SpectralNorm>().ToArray();
        // Two convolutions and the output layer.
        Assert.Equal(3, norms.Length);
        foreach (var layer in norms)
        {
            layer.PowerIterate(200);
            var w = layer.NormalizedWeight();
            double top = torch.linalg.svdvals(w.reshape(w.shape[0], -1))[0].ToDouble();
            Assert.Equal(1.0, top, 6);
        }

        // Declaring the discriminator after the normalisation normalises it too; a network that cannot be is refused.
        Assert.True(((ConvEncoderSpec)spec.Discriminator(Net.ConvEncoder(4)).DiscriminatorNetwork).SpectralNormalized);
        var e = Assert.Throws<GenShapeException>(() => spec.Discriminator(Net.ConvResNet(4, 1)));
        Assert.Equal("gan.discriminator", e.Node);
    }

    [Fact]
    public void An_image_gan_saves_and_loads_with_the_same_samples_and_logits()
    {
        var spec = Adversarial.DcGan(8, 1, 8, 8, filters: 4).WithSpectralNorm().WithClasses(3);
        using var model = spec.Compile(Device.Cpu, seed: 3);
        var json = spec.ToJson();
        Assert.Contains("\"event\"", json);
        Assert.Equal(spec, SpecJson.FromJson<GanSpec>(json));
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"gen-image-gan-{Guid.NewGuid():N}.ckpt");
        try
        {
            Model.Save(path, model);
            using var loaded = Model.Load<GanModel>(path, Device.Cpu);
            model.eval();
            loaded.eval();
            var labels = torch.tensor(new long[] { 2, 0 });
            var a = model.SampleGiven(labels, Seed.Generator(5));
            var b = loaded.SampleGiven(labels, Seed.Generator(5));
            Assert.True(a.eq(b).all().item<bool>());
            Assert.True(model.Discriminate(a, labels).eq(loaded.Discriminate(a, labels)).all().item<bool>());
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }

    [Fact]
    public void A_vector_gan_writes_the_document_it_always_wrote()
    {
        var spec = Adversarial.Gan(2, 3).Generator(Net.Mlp(4)).Discriminator(Net.Mlp(5)).WithSpectralNorm();
        var fields = System.Text.Json.JsonDocument.Parse(spec.ToJson()).RootElement.GetProperty("spec").EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(new[] { "type", "latent", "data", "generator", "discriminator", "spectral_norm", "classes" }, fields);
    }
}
