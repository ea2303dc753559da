using System.Collections.Generic;
using Gen.Data;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.AutoRegressive;

/// <summary>
/// A MAF layer samples (without gradient) by solving feature by feature through its MADE's sequential pass; with
/// gradient it solves by D full passes. Both must give the same values and log-determinants.
/// </summary>
public class MafSequentialSolveTests
{
    public static IEnumerable<object[]> Flows() => new[]
    {
        new object[] { "affine MAF", Flow.Over(Dist.StandardNormal(7)).Then(Bij.MaskedAutoregressive(16, 16)).Then(Bij.Reverse()).Then(Bij.MaskedAutoregressive(12)), 0 },
        new object[] { "spline MAF", Flow.Over(Dist.StandardNormal(5)).Then(Bij.MaskedAutoregressive(Univariate.Spline(6, 3), 16, 16)), 0 },
        new object[] { "conditional MAF", Flow.Over(Dist.StandardNormal(4)).WithContext(3).Then(Bij.MaskedAutoregressive(16, 16)).Then(Bij.MaskedAutoregressive(8)), 3 },
    };

    [Theory]
    [MemberData(nameof(Flows))]
    public void The_sequential_solve_gives_what_d_full_passes_give(string name, FlowSpec spec, int context)
    {
        using var flow = spec.Compile(Device.Cpu, torch.float64, seed: 1);
        Checkpoints.CheckpointModels.Perturb(flow, 2);
        var g = Seed.Generator(3);
        var u = DeviceRandom.Normal(new long[] { 64, spec.Features }, torch.float64, Device.Cpu, g);
        var c = context > 0 ? DeviceRandom.Normal(new long[] { 64, context }, torch.float64, Device.Cpu, g) : null;

        Probability.Transformed fast;
        using (torch.no_grad())
        {
            fast = flow.BaseToData(c).ForwardAndLogDet(u);
        }

        var slow = flow.BaseToData(c).ForwardAndLogDet(u); // gradients on: D full passes
        Assert.True(fast.Value.allclose(slow.Value.detach(), 1e-10, 1e-10), $"{name}: values differ by {(fast.Value - slow.Value).abs().max().item<double>()}");
        Assert.True(fast.LogDet.allclose(slow.LogDet.detach(), 1e-10, 1e-10), $"{name}: log-determinants differ");
        // The samples invert back to their base draws in one pass.
        using (torch.no_grad())
        {
            Assert.True(flow.BaseToData(c).InverseAndLogDet(fast.Value).Value.allclose(u, 1e-9, 1e-9), name);
        }
    }

    [Fact]
    public void Sampling_a_maf_uses_the_same_draws_as_before_and_scores_them_finitely()
    {
        using var flow = Flow.Maf(6, transforms: 2, 16).Compile(Device.Cpu, seed: 0);
        Checkpoints.CheckpointModels.Perturb(flow, 4);
        var x = flow.Sample(100, Seed.Generator(5));
        Assert.Equal(new long[] { 100, 6 }, x.shape);
        Assert.True(flow.LogProb(x).isfinite().all().item<bool>());
        Assert.True(x.equal(flow.Sample(100, Seed.Generator(5))).all().item<bool>());
    }
}
