using System;
using Gen.Data;
using Gen.Optimization;
using Gen.Testing;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Flows;

/// <summary>One-line flows of the papers: ordinary specs equal to the ones written step by step.</summary>
public sealed class FlowPresetTests
{
    [Fact]
    public void Each_preset_is_the_spec_written_out_step_by_step()
    {
        var net = Net.Mlp(32, 32);
        var realNvp = Flow.Over(Dist.StandardNormal(4))
            .Then(Bij.AffineCoupling(Mask.Alternating(4), net))
            .Then(Bij.AffineCoupling(Mask.Alternating(4, odd: true), net))
            .Then(Bij.AffineCoupling(Mask.Alternating(4), net));
        Assert.Equal(realNvp, Flow.RealNvp(4, 3, 32, 32));

        var nice = Flow.Over(Dist.StandardNormal(4))
            .Then(Bij.AdditiveCoupling(Mask.Alternating(4), Net.Mlp(64, 64)))
            .Then(Bij.AdditiveCoupling(Mask.Alternating(4, odd: true), Net.Mlp(64, 64)))
            .Then(Bij.Affine());
        Assert.Equal(nice, Flow.Nice(4, 2));

        var maf = Flow.Over(Dist.StandardNormal(3)).Then(Bij.MaskedAutoregressive(16)).Then(Bij.Reverse()).Then(Bij.MaskedAutoregressive(16));
        Assert.Equal(maf, Flow.Maf(3, 2, 16));

        var nsf = Flow.Over(Dist.StandardNormal(3)).Then(Bij.MaskedAutoregressive(Univariate.Spline(5, 2.5), 16));
        Assert.Equal(nsf, Flow.Nsf(3, 1, bins: 5, bound: 2.5, 16));
        Assert.Equal(6, Flow.RealNvp(2).Steps.Count);

        // A preset is an ordinary spec: conditioned on a context afterwards, every coupling reads it.
        using var conditional = Flow.RealNvp(4, 2, 8).WithContext(3).Compile(Device.Cpu, seed: 0);
        Assert.Equal(new long[] { 5 }, conditional.LogProb(torch.randn(5, 4), torch.randn(5, 3)).shape);
    }

    [Fact]
    public void Every_preset_starts_at_its_base_obeys_the_laws_and_round_trips()
    {
        foreach (var spec in new[] { Flow.RealNvp(3, 2, 8), Flow.Nice(3, 2, 8), Flow.Maf(3, 2, 8), Flow.Nsf(3, 2, 6, 3.0, 8) })
        {
            using var model = spec.Compile(Device.Cpu, torch.float64, seed: 0);
            using var g = Seed.Generator(1);
            var x = torch.randn(new long[] { 8, 3 }, dtype: torch.float64, generator: g);
            var standard = (-0.5 * x.square() - 0.5 * Math.Log(2 * Math.PI)).sum(-1);
            Assert.True(model.LogProb(x).allclose(standard, 1e-12, 1e-12), spec.ToString());
            using (torch.no_grad())
            {
                foreach (var p in model.parameters())
                {
                    p.add_(0.2 * torch.randn(p.shape, dtype: p.dtype, generator: g));
                }
            }

            BijectorLaws.All(model.BaseToData(), x, 1e-6);
            Assert.Equal(spec, SpecJson.FromJson<FlowSpec>(spec.ToJson()));
        }
    }

    [Fact]
    public void A_neural_spline_flow_in_one_line_learns_the_moons()
    {
        using var g = Seed.Generator(0);
        var train = ToyData.Sample(ToySet.Moons, 2000, Device.Cpu, g);
        var test = ToyData.Sample(ToySet.Moons, 1000, Device.Cpu, g);
        var gaussian = -new Gen.Probability.Distributions.Independent(
            new Gen.Probability.Distributions.Normal(train.mean(new long[] { 0 }), train.std(0, keepdim: false)), 1).LogProb(test).mean().item<float>();
        using var model = Flow.Nsf(2, transforms: 2, bins: 8, bound: 4.0).Compile(Device.Cpu, seed: 0);
        using var adam = new FusedAdam(model.parameters(), 3e-3);
        for (int step = 0; step < 300; step++)
        {
            using var scope = torch.NewDisposeScope();
            var batch = train.index_select(0, DeviceRandom.Integers(2000, new long[] { 256 }, Device.Cpu, g));
            adam.ZeroGrad();
            (-model.LogProb(batch).mean()).backward();
            adam.Step();
        }

        using var noGrad = torch.no_grad();
        float nll = -model.LogProb(test).mean().item<float>();
        Assert.True(nll < gaussian - 0.5f, $"held-out {nll:F3} nats against the Gaussian fit's {gaussian:F3}");
    }

    [Fact]
    public void Bad_preset_arguments_are_named()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Flow.RealNvp(4, 0));
        Assert.Equal("mask", Assert.Throws<GenShapeException>(() => Flow.RealNvp(1)).Node);
        Assert.Equal("spline_map.bins", Assert.Throws<GenShapeException>(() => Flow.Nsf(2, bins: 1)).Node);
    }
}
