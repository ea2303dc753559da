using System.Linq;
using Gen.Testing;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Latent;

public class PlanarRadialSpecTests
{
    private static FlowSpec Mixed() => Flow.Over(Dist.StandardNormal(3)).Then(Bij.Planar()).Then(Bij.Radial()).Repeat(3);

    [Fact]
    public void Specs_print_compare_and_start_near_the_identity()
    {
        Assert.Equal(Mixed(), Mixed());
        Assert.Contains("[1] Radial", Mixed().ToString());
        Assert.Contains("[4] Planar", Mixed().ToString());
        using var model = Mixed().Compile(Device.Cpu, torch.float64, seed: 1);
        var x = torch.randn(new long[] { 50, 3 }, dtype: torch.float64, generator: Seed.Generator(2));
        var flow = (Gen.Probability.Distributions.TransformedDistribution)model.Distribution();
        var t = flow.Bijector.ForwardAndLogDet(x);
        Assert.True((t.Value - x).abs().max().item<double>() < 0.1);
        Assert.True(t.LogDet.abs().max().item<double>() < 0.1);
    }

    [Fact]
    public void A_compiled_planar_and_radial_flow_satisfies_the_laws_and_its_log_prob_inverts_it()
    {
        using var model = Mixed().Compile(Device.Cpu, torch.float64, seed: 3);
        TestWeights.Perturb(model, seed: 4, scale: 0.5);

        var flow = (Gen.Probability.Distributions.TransformedDistribution)model.Distribution();
        var x = torch.randn(new long[] { 4, 3 }, dtype: torch.float64, generator: Seed.Generator(5));
        BijectorLaws.All(flow.Bijector, x, 1e-6);

        // SampleAndLogProb uses only the forward maps; LogProb inverts the planar steps numerically. They must agree.
        var s = model.SampleAndLogProb(20, Seed.Generator(6));
        Assert.True(torch.allclose(s.LogProb, model.LogProb(s.Value), rtol: 1e-8, atol: 1e-8));
        Assert.Equal(new[] { "b", "u", "w" }, model.named_parameters().Where(p => p.name.StartsWith("steps.0.", System.StringComparison.Ordinal)).Select(p => p.name[8..]).OrderBy(n => n));
    }
}
