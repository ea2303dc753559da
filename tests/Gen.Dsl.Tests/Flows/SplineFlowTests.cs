using Gen.Data;
using Gen.Testing;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Flows;

public sealed class SplineFlowTests
{
    private static FlowSpec SplineFlow(int bins) =>
        Flow.Over(Dist.StandardNormal(2))
            .Then(Bij.SplineCoupling(Mask.Alternating(2), Net.Mlp(32, 32), bins: bins, bound: 4))
            .Then(Bij.Reverse())
            .Repeat(3);

    [Fact]
    public void A_fresh_spline_flow_is_the_standard_normal_and_obeys_the_laws()
    {
        using var model = SplineFlow(6).Compile(Device.Cpu, torch.float64, seed: 1);
        using var g = Seed.Generator(2);
        var x = torch.randn(new long[] { 16, 2 }, dtype: torch.float64, generator: g) * 2;
        var standard = (-0.5 * x.square() - 0.5 * System.Math.Log(2 * System.Math.PI)).sum(-1);
        Assert.True(model.LogProb(x).allclose(standard, 1e-12, 1e-12));

        using (torch.no_grad())
        {
            foreach (var p in model.parameters())
            {
                p.add_(0.3 * torch.randn(p.shape, dtype: torch.float64, generator: g));
            }
        }

        var flow = ((Gen.Probability.Distributions.TransformedDistribution)model.Distribution()).Bijector;
        BijectorLaws.All(flow, x, 1e-6);
    }

    [Fact]
    public void Bad_bins_and_bounds_are_named()
    {
        Assert.Equal("spline_coupling.bins", Assert.Throws<GenShapeException>(() => Bij.SplineCoupling(Mask.Alternating(2), Net.Mlp(8), bins: 1)).Node);
        Assert.Equal("spline_coupling.bound", Assert.Throws<GenShapeException>(() => Bij.SplineCoupling(Mask.Alternating(2), Net.Mlp(8), bound: 0)).Node);
    }

    [Fact]
    public void A_spline_flow_learns_two_moons_better_than_a_gaussian()
    {
        using var g = Seed.Generator(0);
        var train = ToyData.Sample(ToySet.Moons, 2000, Device.Cpu, g);
        var test = ToyData.Sample(ToySet.Moons, 1000, Device.Cpu, g);
        var mean = train.mean(new long[] { 0 });
        var std = train.std(0, keepdim: false);
        var gaussianNll = -new Gen.Probability.Distributions.Independent(new Gen.Probability.Distributions.Normal(mean, std), 1).LogProb(test).mean().item<float>();

        using var model = SplineFlow(8).Compile(Device.Cpu, seed: 0);
        using var adam = new Gen.Optimization.FusedAdam(model.parameters(), learningRate: 3e-3);
        for (int step = 0; step < 400; step++)
        {
            using var scope = torch.NewDisposeScope();
            var batch = train.index_select(0, DeviceRandom.Integers(2000, new long[] { 256 }, Device.Cpu, g));
            adam.ZeroGrad();
            (-model.LogProb(batch).mean()).backward();
            adam.Step();
        }

        float nll;
        using (torch.no_grad())
        {
            nll = -model.LogProb(test).mean().item<float>();
        }

        Assert.True(nll < gaussianNll - 0.5f, $"spline flow test NLL {nll:F3} nats should beat the Gaussian's {gaussianNll:F3} by 0.5");
    }
}
