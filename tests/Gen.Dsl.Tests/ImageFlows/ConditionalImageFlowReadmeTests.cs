using Gen.Data;
using Gen.Dsl.Tests.Readme;
using Gen.Optimization;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.ImageFlows;

/// <summary>The class-conditional image flow snippet of src/Gen.Dsl/README.md, verbatim between the markers, runs.</summary>
public class ConditionalImageFlowReadmeTests
{
    [Fact]
    public void The_snippet_runs_and_gives_the_documented_shapes()
    {
        using var scope = torch.NewDisposeScope();
        var data = Digits.Load(Device.Cpu);
        var digits = data.Images.reshape(-1, 1, 8, 8)[..128];
        var labels = torch.nn.functional.one_hot(data.Labels.to(torch.int64)[..128], 10).to(torch.float32);
        // README:begin
        // p(x | digit): every coupling reads the one-hot label as 10 constant channels.
        var conditional = ImageFlow.Glow(1, 8, 8, levels: 2, stepsPerLevel: 2, hidden: 16)
            .WithPreprocessing(ImagePreprocessing.Logit(levels: 17))
            .WithContext(10);
        using var flow = conditional.Compile(Device.Cpu, seed: 0);
        var logPGiven = flow.LogProbDequantized(digits, labels);   // digits: [batch, 1, 8, 8]; labels: [batch, 10] or [10]
        var sevens = flow.Sample(16, torch.eye(10)[7]);            // [16, 1, 8, 8], all given the label 7
        var trainer = new Trainer(flow, new FusedAdam(flow.parameters(), 5e-3),
            rows => -flow.LogProbDequantized(digits[rows], labels[rows]).mean());  // batches of row indices keep x and c together
        trainer.Fit(torch.arange(digits.shape[0]));
        // README:end
        Assert.Equal(new long[] { 128 }, logPGiven.shape);
        Assert.Equal(new long[] { 16, 1, 8, 8 }, sevens.shape);
        Assert.True(flow.LogProbDequantized(digits, labels).mean().item<float>() > logPGiven.mean().item<float>(), "training must raise the likelihood");
    }

    [Fact]
    public void The_README_shows_the_tested_snippet()
    {
        var tested = ReadmeSnippetTests.Marked("tests/Gen.Dsl.Tests/ImageFlows/ConditionalImageFlowReadmeTests.cs");
        Assert.Equal(tested, ReadmeSnippetTests.BlockStartingWith("src/Gen.Dsl/README.md", "// p(x | digit)"));
    }
}
