using System;
using System.IO;
using System.Linq;
using Gen.Dsl.Tests.Readme;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.ConditionalFlows;

/// <summary>The conditional flow snippet of src/Gen.Dsl/README.md, verbatim between the markers, runs.</summary>
public sealed class ConditionalFlowReadmeTests
{
    [Fact]
    public void The_snippet_runs_with_the_documented_shapes()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.randn(new long[] { 5, 2 }, generator: Seed.Generator(0));
        var labels = torch.nn.functional.one_hot(torch.tensor(new long[] { 0, 3, 7, 7, 1 }), 8).to(torch.float32);
        // README:begin
        // p(x | c): every step whose parameters come from a network reads the context c; the others ignore it.
        var spec = Flow.Over(Dist.StandardNormal(2))
            .WithContext(8)                                               // c: [8], such as a one-hot label
            .Then(Bij.AffineCoupling(Mask.Alternating(2), Net.Mlp(32)))   // its MLP reads [masked x, c]
            .Then(Bij.Reverse())
            .Then(Bij.MaskedAutoregressive(32));                          // its MADE feeds c to every layer
        var overConditionalBase = Flow.Over(Dist.ConditionalNormal(2, contextFeatures: 8, Net.Mlp(32)))  // N(μ(c), σ(c)²)
            .Then(Bij.SplineCoupling(Mask.Alternating(2), Net.Mlp(32)));

        using var model = spec.Compile(Device.Cpu, seed: 0);
        var logP = model.LogProb(x, labels);             // x: [batch, 2]; labels: [batch, 8], or [8] for every row
        var drawn = model.Sample(100, labels[0]);        // [100, 2] given one context; or give a context [100, 8]
        var both = model.SampleAndLogProb(5, labels);    // one sample per context row, with log p(x | c)
        var perRow = model.Distribution(labels);         // an IDistribution of batch shape [batch]
        // README:end
        Assert.Equal(new long[] { 5 }, logP.shape);
        Assert.Equal(new long[] { 100, 2 }, drawn.shape);
        Assert.Equal(new long[] { 5, 2 }, both.Value.shape);
        Assert.Equal(new long[] { 5 }, perRow.BatchShape);
        Assert.Equal(8, overConditionalBase.ContextFeatures);
    }

    [Fact]
    public void The_README_shows_the_tested_snippet()
    {
        var tested = ReadmeSnippetTests.Marked("tests/Gen.Dsl.Tests/ConditionalFlows/ConditionalFlowReadmeTests.cs");
        Assert.Equal(tested, Gen.Dsl.Tests.Readme.ReadmeSnippetTests.BlockStartingWith("src/Gen.Dsl/README.md", "// p(x | c)"));
    }
}
