using System.Linq;
using Gen.Probability.Distributions;
using Gen.Testing;
using TorchSharp;
using Xunit;
using static Gen.Dsl.Tests.ConditionalFlows.ConditionalFlows;

namespace Gen.Dsl.Tests.ConditionalFlows;

public sealed class ConditionalFlowLawTests
{
    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    public void For_a_fixed_context_the_flow_is_a_bijection_with_the_autograd_log_det(long contextSeed)
    {
        using var model = Compiled(Mixed(4));
        var flow = (TransformedDistribution)model.Distribution(OneContext(contextSeed));
        BijectorLaws.All(flow.Bijector, Points(3, 4, 5), 1e-6);
    }

    [Fact]
    public void Each_context_gives_a_density_that_integrates_to_one()
    {
        // Two contexts at once: a context [2, C] gives a distribution of batch shape [2], each integrated over the plane.
        using var model = Compiled(Mixed(2));
        var contexts = Contexts(2, 21);
        var d = model.Distribution(contexts);
        Assert.Equal(new long[] { 2 }, d.BatchShape);
        DistributionLaws.IntegratesToOne2D(d, -9, 9, points: 401, tolerance: 2e-3);
    }

    [Fact]
    public void Sampling_with_its_log_density_agrees_with_the_density_for_shared_and_per_row_contexts()
    {
        using var model = Compiled(Mixed(4));
        foreach (var context in new[] { OneContext(3), Contexts(6, 4) })
        {
            var s = model.SampleAndLogProb(6, context, Seed.Generator(9));
            Assert.Equal(new long[] { 6, 4 }, s.Value.shape);
            Assert.True(torch.allclose(s.LogProb, model.LogProb(s.Value, context), rtol: 1e-9, atol: 1e-9));
        }
    }

    [Fact]
    public void A_shared_context_is_the_same_as_that_context_on_every_row()
    {
        using var model = Compiled(Mixed(4));
        var x = Points(5, 4, 7);
        var c = OneContext(8);
        var rows = c.expand(5, Context);
        Assert.True(torch.allclose(model.LogProb(x, c), model.LogProb(x, rows), rtol: 1e-12, atol: 1e-12));
        var shared = model.Sample(5, c, Seed.Generator(2));
        var perRow = model.Sample(5, rows, Seed.Generator(2));
        Assert.Equal(new long[] { 5, 4 }, shared.shape);
        Assert.True(torch.allclose(shared, perRow, rtol: 1e-12, atol: 1e-12));
    }

    [Fact]
    public void One_context_row_per_data_row_scores_each_row_with_its_own_context()
    {
        using var model = Compiled(Mixed(4));
        var x = Points(4, 4, 1);
        var c = Contexts(4, 2);
        var batched = model.LogProb(x, c);
        var oneByOne = torch.cat(Enumerable.Range(0, 4).Select(i => model.LogProb(x[i..(i + 1)], c[i])).ToArray());
        Assert.True(torch.allclose(batched, oneByOne, rtol: 1e-12, atol: 1e-12));
    }

    [Theory]
    [InlineData("affine_coupling")]
    [InlineData("additive_coupling")]
    [InlineData("spline_coupling")]
    [InlineData("maf")]
    [InlineData("iaf")]
    [InlineData("conditional_base")]
    public void Every_network_step_reads_the_context(string kind)
    {
        var over = kind == "conditional_base"
            ? Flow.Over(Dist.ConditionalNormal(4, Context, Net.Mlp(8)))
            : Flow.Over(Dist.StandardNormal(4)).WithContext(Context);
        var spec = kind switch
        {
            "affine_coupling" => over.Then(Bij.AffineCoupling(Mask.Alternating(4), Net.Mlp(8))),
            "additive_coupling" => over.Then(Bij.AdditiveCoupling(Mask.Alternating(4), Net.Mlp(8))),
            "spline_coupling" => over.Then(Bij.SplineCoupling(Mask.Alternating(4), Net.Mlp(8))),
            "maf" => over.Then(Bij.MaskedAutoregressive(8)),
            "iaf" => over.Then(Bij.InverseAutoregressive(8)),
            _ => over,
        };
        using var model = Compiled(spec);
        var x = Points(8, 4, 3);
        var gap = (model.LogProb(x, OneContext(1)) - model.LogProb(x, OneContext(2))).abs().max().item<double>();
        Assert.True(gap > 1e-3, $"{kind}: two contexts gave log-densities within {gap:G3}");
    }

    [Fact]
    public void Steps_without_a_network_ignore_the_context()
    {
        var steps = Flow.Over(Dist.StandardNormal(4))
            .Then(Bij.Reverse()).Then(Bij.Permute(5)).Then(Bij.Affine()).Then(Bij.Planar()).Then(Bij.Radial());
        using var plain = Compiled(steps);
        using var conditional = Compiled(steps.WithContext(Context));
        var x = Points(6, 4, 4);
        var expected = plain.LogProb(x);
        Assert.True(conditional.LogProb(x, OneContext(1)).allclose(expected, 0, 0));
        Assert.True(conditional.LogProb(x, Contexts(6, 2)).allclose(expected, 0, 0));
    }

    [Fact]
    public void An_unconditional_flow_compiles_and_scores_as_before()
    {
        // The context route adds no parameter to an unconditional flow and a null context is the plain call.
        var spec = Flow.Over(Dist.StandardNormal(4))
            .Then(Bij.AffineCoupling(Mask.Alternating(4), Net.Mlp(8)))
            .Then(Bij.SplineCoupling(Mask.Halves(4), Net.Mlp(8)))
            .Then(Bij.MaskedAutoregressive(8));
        using var plain = Compiled(spec);
        using var conditional = Compiled(spec.WithContext(Context));
        long[] FirstLayerInputs(FlowModel m) =>
            m.named_parameters().Where(p => p.name.EndsWith("linear0.weight")).Select(p => p.parameter.shape[1]).ToArray();
        Assert.Equal(new long[] { 4, 4 }, FirstLayerInputs(plain));
        Assert.Equal(new long[] { 4 + Context, 4 + Context }, FirstLayerInputs(conditional));
        Assert.DoesNotContain(plain.named_parameters(), p => p.name.Contains("context"));
        Assert.Contains(conditional.named_parameters(), p => p.name.Contains("made.context"));
        var x = Points(5, 4, 6);
        Assert.True(plain.LogProb(x).allclose(plain.LogProb(x, null), 0, 0));
        Assert.DoesNotContain("context", spec.ToJson());
    }

    [Fact]
    public void One_value_is_scored_under_every_context_row_by_broadcasting()
    {
        // The Bayes-classifier use: x [N, 1, D] under K contexts [K, C] gives [N, K], each entry the flow's log p(x | c)
        // as if scored alone; the distribution's batch shape is the contexts' rows, and values broadcast against it.
        using var model = ConditionalFlows.Compiled(ConditionalFlows.Mixed(4));
        var x = ConditionalFlows.Points(5, 4, 21);
        var contexts = ConditionalFlows.Contexts(3, 22);
        var all = model.Distribution(contexts).LogProb(x.unsqueeze(1));
        Assert.Equal(new long[] { 5, 3 }, all.shape);
        for (int k = 0; k < 3; k++)
        {
            var alone = model.LogProb(x, contexts[k]);
            Assert.True(all[.., k].allclose(alone, rtol: 1e-12, atol: 1e-12), $"context {k}");
        }
    }
}
