using System;
using TorchSharp;
using Xunit;
using static Gen.Dsl.Tests.ConditionalFlows.ConditionalFlows;

namespace Gen.Dsl.Tests.ConditionalFlows;

public sealed class ConditionalFlowErrorTests
{
    private static FlowSpec Conditional() => Flow.Over(Dist.StandardNormal(4)).WithContext(Context)
        .Then(Bij.AffineCoupling(Mask.Alternating(4), Net.Mlp(8)));

    private static FlowSpec Unconditional() => Flow.Over(Dist.StandardNormal(4))
        .Then(Bij.AffineCoupling(Mask.Alternating(4), Net.Mlp(8)));

    private static void Rejects(Action call, string node, params string[] mentions)
    {
        var e = Assert.Throws<GenShapeException>(call);
        Assert.Equal(node, e.Node);
        foreach (var m in mentions)
        {
            Assert.Contains(m, e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_conditional_flow_without_a_context_says_what_it_needs()
    {
        using var model = Compiled(Conditional());
        var x = Points(2, 4, 1);
        Rejects(() => model.LogProb(x), "flow.context", "none was given", "[3]", "[batch, 3]");
        Rejects(() => model.Sample(2), "flow.context", "none was given");
        Rejects(() => model.SampleAndLogProb(2), "flow.context", "none was given");
        Rejects(() => model.Distribution(), "flow.context", "none was given");
    }

    [Fact]
    public void A_context_given_to_an_unconditional_flow_is_refused_with_its_shape()
    {
        using var model = Compiled(Unconditional());
        Rejects(() => model.LogProb(Points(2, 4, 1), Contexts(2, 2)), "flow.context", "takes no context", "[2, 3]");
        Rejects(() => model.Sample(2, OneContext(1)), "flow.context", "takes no context", "[3]");
    }

    [Fact]
    public void A_context_of_the_wrong_width_names_both_widths()
    {
        using var model = Compiled(Conditional());
        var wide = torch.zeros(new long[] { 2, 5 }, dtype: torch.float64);
        Rejects(() => model.LogProb(Points(2, 4, 1), wide), "flow.context", "[2, 5]", "[batch, 3]");
        Rejects(() => model.Sample(2, torch.zeros(new long[] { 5 }, dtype: torch.float64)), "flow.context", "[5]", "[3]");
    }

    [Fact]
    public void A_context_with_another_number_of_rows_names_both_shapes()
    {
        using var model = Compiled(Conditional());
        Rejects(() => model.LogProb(Points(4, 4, 1), Contexts(3, 2)), "flow.context", "[3, 3]", "[4, 4]");
        Rejects(() => model.Sample(5, Contexts(4, 2)), "flow.context", "[4, 3]", "[5]");
        Rejects(() => model.SampleAndLogProb(5, Contexts(4, 2)), "flow.context", "[4, 3]", "[5]");
    }

    [Fact]
    public void A_context_of_another_dtype_is_refused()
    {
        using var model = Compiled(Conditional());
        var e = Assert.Throws<ArgumentException>(() => model.LogProb(Points(2, 4, 1), torch.zeros(new long[] { 2, 3 })));
        Assert.Contains("the context is Float32", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Declarations_are_checked_when_made()
    {
        Rejects(() => Flow.Over(Dist.StandardNormal(2)).WithContext(0), "flow.context", "positive", "0");
        Rejects(() => Flow.Over(Dist.ConditionalNormal(2, 3, Net.Mlp(4))).WithContext(4), "flow.base.context", "3", "4");
        Rejects(() => Dist.ConditionalNormal(2, 0, Net.Mlp(4)), "dist.conditional_normal.context", "positive");
        Rejects(() => Dist.ConditionalNormal(0, 2, Net.Mlp(4)), "dist.conditional_normal", "positive");

        // A flow over a conditional base is conditional on its context without WithContext.
        var spec = Flow.Over(Dist.ConditionalNormal(2, 3, Net.Mlp(4)));
        Assert.Equal(3, spec.ContextFeatures);
        Assert.Equal(spec, spec.WithContext(3));
        Assert.Contains("given context [3]", spec.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_record_built_spec_with_a_mismatched_context_fails_to_compile()
    {
        var spec = Flow.Over(Dist.ConditionalNormal(2, 3, Net.Mlp(4))) with { ContextFeatures = 0 };
        Rejects(() => spec.Compile(Device.Cpu), "flow.base.context", "3", "0");
    }
}
