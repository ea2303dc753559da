using Gen.Dsl.Tests.Readme;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Gans;

/// <summary>The image GAN snippet of src/Gen.Dsl/README.md, verbatim between the markers, runs.</summary>
public sealed class ImageGanReadmeTests
{
    [Fact]
    public void The_snippet_runs_and_both_gans_have_the_documented_shapes()
    {
        using var scope = torch.NewDisposeScope();
        // README:begin
        // DCGAN (Radford et al. 2016): 64 → [128, 7, 7] → [64, 14, 14] → [1, 28, 28] with batch norm, ReLU and tanh; the
        // discriminator [1, 28, 28] → [64, 14, 14] → [128, 7, 7] → 1 with leaky ReLUs of slope 0.2.
        var dcgan = Adversarial.DcGan(latent: 64, channels: 1, height: 28, width: 28, filters: 64)
            .WithSpectralNorm()              // every convolution and linear map of the discriminator
            .WithGeneratorAverage(0.999)     // sample from a moving average of the generator's weights
            .WithClasses(10);                // one-hot label into G; a projection discriminator

        // The same by hand, any node for either player:
        var handWritten = Adversarial.Gan(64, 1, 28, 28)
            .Generator(Net.ConvDecoder(128, 64).WithNormalization(Normalization.Batch))
            .WithGeneratorOutput(Activation.Tanh)
            .Discriminator(Net.ConvEncoder(64, 128).WithActivation(Activation.LeakyRelu02));

        using var gan = dcgan.Compile(Device.Cpu, seed: 0);
        var labels = torch.arange(10, dtype: torch.int64);
        var images = gan.SampleGiven(labels);                       // [10, 1, 28, 28] from the averaged generator
        var sharper = gan.SampleGivenTruncated(labels, 0.5);        // latents truncated to [−0.5, 0.5]: the truncation trick
        var logits = gan.Discriminate(images, labels);              // [10]
        // README:end
        Assert.Equal(new long[] { 10, 1, 28, 28 }, images.shape);
        Assert.Equal(new long[] { 10, 1, 28, 28 }, sharper.shape);
        Assert.Equal(new long[] { 10 }, logits.shape);
        // The preset is the hand-written spec with its options.
        Assert.Equal(handWritten, Adversarial.DcGan(64, 1, 28, 28));
        var layers = handWritten.GeneratorNetwork.Layers(new[] { 64 }, new[] { 1, 28, 28 });
        Assert.Equal("input: [64] -> [128, 7, 7]", layers[0].ToString());
        Assert.Equal("deconv[0]: [128, 7, 7] -> [64, 14, 14]", layers[1].ToString());
        var e = Assert.Throws<GenShapeException>(() => Adversarial.Gan(8, 1, 4, 4).Generator(Net.ConvDecoder(32, 16, 8)));
        Assert.Equal("gan.generator.deconv[0]", e.Node);
        Assert.Contains("must give 1x1 for the decoder to reach [1, 4, 4]", e.Message);
    }

    [Fact]
    public void The_README_shows_the_tested_snippet()
    {
        var tested = ReadmeSnippetTests.Marked("tests/Gen.Dsl.Tests/Adversarial/ImageGanReadmeTests.cs");
        Assert.Equal(tested, ReadmeSnippetTests.BlockStartingWith("src/Gen.Dsl/README.md", "// DCGAN (Radford"));
    }
}
