using System.Linq;
using Gen.Testing;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Flows;

/// <summary>LU-linear and batch-normalisation steps: Gen.Probability's bijectors as vector flow steps.</summary>
public sealed class LinearAndNormalisingStepTests
{
    private static void Perturb(torch.nn.Module model, long seed)
    {
        using var g = Seed.Generator(seed);
        using var noGrad = torch.no_grad();
        foreach (var p in model.parameters())
        {
            p.add_(0.3 * torch.randn(p.shape, dtype: p.dtype, generator: g));
        }
    }

    [Fact]
    public void An_lu_step_starts_as_its_permutation_obeys_the_laws_and_round_trips()
    {
        var spec = Flow.Over(Dist.StandardNormal(4)).Then(Bij.LuLinear(seed: 3)).Then(Bij.AffineCoupling(Mask.Alternating(4), Net.Mlp(8)));
        using var model = spec.Compile(Device.Cpu, torch.float64, seed: 0);
        using var g = Seed.Generator(1);
        var x = torch.randn(new long[] { 16, 4 }, dtype: torch.float64, generator: g);
        var standard = (-0.5 * x.square() - 0.5 * System.Math.Log(2 * System.Math.PI)).sum(-1);
        Assert.True(model.LogProb(x).allclose(standard, 1e-12, 1e-12));

        Perturb(model, 2);
        BijectorLaws.All(model.BaseToData(), x, 1e-8);
        Assert.Equal(spec, SpecJson.FromJson<FlowSpec>(spec.ToJson()));
        Assert.Contains("\"lu_linear\"", spec.ToJson());
    }

    [Fact]
    public void Batch_norm_between_maf_blocks_learns_the_data_statistics_and_in_evaluation_obeys_the_laws()
    {
        var spec = Flow.Over(Dist.StandardNormal(3))
            .Then(Bij.MaskedAutoregressive(8))
            .Then(Bij.BatchNorm(momentum: 0.5))
            .Then(Bij.Reverse())
            .Then(Bij.MaskedAutoregressive(8));
        using var model = spec.Compile(Device.Cpu, torch.float64, seed: 0);
        using var g = Seed.Generator(4);
        var data = torch.randn(new long[] { 512, 3 }, dtype: torch.float64, generator: g) * 3 + 5;

        // Training passes move the running averages towards the batch's statistics. Towards the base the data passes
        // the last MAF block (still the identity) and the reversal first, so the step sees the features reversed.
        model.train();
        for (int i = 0; i < 20; i++)
        {
            model.LogProb(data);
        }

        var runningMean = model.named_buffers().Single(b => b.name.EndsWith("runningMean", System.StringComparison.Ordinal)).buffer;
        Assert.True(runningMean.allclose(data.flip(-1).mean(new long[] { 0 }), 1e-4, 1e-4));

        model.eval();
        Perturb(model, 5);
        var x = data[..16];
        BijectorLaws.All(model.BaseToData(), x, 1e-6);
        Assert.Equal(spec, SpecJson.FromJson<FlowSpec>(spec.ToJson()));
    }

    [Fact]
    public void Batch_norm_settings_out_of_range_are_named()
    {
        Assert.Equal("batch_norm.momentum", Assert.Throws<GenShapeException>(() => Bij.BatchNorm(momentum: 1.5)).Node);
        Assert.Equal("batch_norm.epsilon", Assert.Throws<GenShapeException>(() => Bij.BatchNorm(epsilon: -1)).Node);
    }
}
