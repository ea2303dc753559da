using System;
using System.IO;
using System.Linq;
using Gen.Dsl.Tests.Readme;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.ImageFlows;

/// <summary>The image flow snippet of src/Gen.Dsl/README.md, verbatim between the markers, runs.</summary>
public class ImageFlowReadmeTests
{
    [Fact]
    public void The_snippet_runs_and_both_flows_have_the_documented_shapes()
    {
        using var scope = torch.NewDisposeScope();
        using var g = Seed.Generator(0);
        var pixels = torch.randint(256, new long[] { 2, 3, 16, 16 }, generator: g).to(torch.float32);
        // README:begin
        // L levels of: squeeze, K × (ActNorm, LU 1×1 convolution, affine coupling), factor-out (none after the last).
        var glow = ImageFlow.Glow(channels: 3, height: 16, width: 16, levels: 2, stepsPerLevel: 4, hidden: 32);

        var net = Net.ConvResNet(hidden: 32, blocks: 1);    // 3×3 conv, residual blocks, zero-initialised 3×3 conv
        var handWritten = ImageFlow.Over(3, 16, 16)
            .WithPreprocessing(ImagePreprocessing.Centred(levels: 256))     // y/256 − ½; or Logit(256, alpha: 0.05)
            .Then(ImageBij.Squeeze())                                       // [12, 8, 8]
            .Then(ImageBij.ActNorm())
            .Then(ImageBij.Conv1x1(lu: true))
            .Then(ImageBij.AffineCoupling(ImageMask.Channel(), net))        // or ImageMask.Checkerboard()
            .Then(ImageBij.FactorOut())                                     // [6, 8, 8] go on; 6·8·8 numbers to the base
            .Then(ImageBij.Squeeze())                                       // [24, 4, 4]
            .Then(ImageBij.ActNorm())
            .Then(ImageBij.Conv1x1(lu: true))
            .Then(ImageBij.AffineCoupling(ImageMask.Channel(), net));

        using var model = glow.Compile(Device.Cpu, seed: 0);
        var logP = model.LogProbDequantized(pixels);      // pixels: [batch, 3, 16, 16], integers 0..255 as floats
        var loss = -logP.mean();                          // nats per image
        var bitsPerDim = model.BitsPerDim(logP).mean();   // of the 8-bit data (an upper bound); uniform pixels give 8
        var drawn = model.Sample(4);                      // [4, 3, 16, 16] in pixel space [0, 256)
        // README:end
        Assert.Equal(new long[] { 4, 3, 16, 16 }, drawn.shape);
        Assert.True(loss.isfinite().item<bool>());
        Assert.InRange(bitsPerDim.item<float>(), 0f, 30f);
        Assert.Equal(new long[] { 24, 4, 4 }, handWritten.OutputShape);
        Assert.Equal(new long[] { 6, 8, 8 }, handWritten.Shapes()[5].Event);
        Assert.Equal(9, handWritten.Steps.Count);
    }

    [Fact]
    public void The_README_shows_the_tested_snippet()
    {
        var tested = ReadmeSnippetTests.Marked("tests/Gen.Dsl.Tests/ImageFlows/ImageFlowReadmeTests.cs");
        Assert.Equal(tested, Gen.Dsl.Tests.Readme.ReadmeSnippetTests.BlockStartingWith("src/Gen.Dsl/README.md", "// L levels"));
    }
}
