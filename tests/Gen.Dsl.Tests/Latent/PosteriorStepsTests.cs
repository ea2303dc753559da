using System;
using System.Linq;
using Gen.Dsl.Tests.Readme;
using Gen.Optimization;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Latent;

using Latent = Gen.Dsl.Latent;

/// <summary>
/// A VAE's posterior takes steps of any kind, each an ordinary step conditioned on the encoder: the named kinds are
/// such steps (the same losses, seed for seed), steps of other kinds train, the spec round-trips as JSON, and steps
/// that do not fit are refused naming the step.
/// </summary>
public sealed class PosteriorStepsTests
{
    private static VaeSpec Small() => Latent.Vae(64, latent: 3).WithEncoder(Net.Mlp(16)).WithDecoder(Net.Mlp(16));

    private static torch.Tensor Batch(int n) => LatentData.Digits(torch.float64).Train[..n];

    // The losses of 15 Adam steps from seed 5, each with its own seeded draws.
    private static double[] Losses(VaeSpec spec)
    {
        using var model = spec.Compile(Device.Cpu, torch.float64, seed: 5);
        using var adam = new FusedAdam(model.parameters(), 1e-2);
        var x = Batch(64);
        var losses = new double[15];
        for (int i = 0; i < losses.Length; i++)
        {
            using var scope = torch.NewDisposeScope();
            adam.ZeroGrad();
            var loss = model.Loss(x, i, Seed.Generator(i));
            loss.backward();
            adam.Step();
            losses[i] = loss.item<double>();
        }

        return losses;
    }

    [Fact]
    public void Amortised_planar_steps_and_iaf_steps_of_any_kind_are_the_named_posteriors_seed_for_seed()
    {
        var planar = Bij.Amortised(Bij.Planar());
        Assert.Equal(Losses(Small().WithPosteriorFlow(PosteriorFlowKind.Planar, 2)), Losses(Small().WithPosteriorSteps(new[] { planar, planar }, context: 0)));

        int hidden = Math.Max(2 * 3, 32);
        var iaf = Bij.InverseAutoregressive(hidden, hidden);
        Assert.Equal(
            Losses(Small().WithPosteriorFlow(PosteriorFlowKind.InverseAutoregressive, 2)),
            Losses(Small().WithPosteriorSteps(new BijSpec[] { iaf, iaf.WithOrder(InputOrder.Reversed) }, context: 3)));
    }

    [Fact]
    public void Steps_of_other_kinds_share_one_context_and_train()
    {
        // A coupling that reads the shared context, an amortised radial step on a block of its own, and a permutation.
        var spec = Small().WithPosteriorSteps(
            new BijSpec[] { Bij.AffineCoupling(Mask.Alternating(3), Net.Mlp(8)), Bij.Amortised(Bij.Radial()), Bij.Reverse() },
            context: 4);
        Assert.Contains("context 4", spec.ToString(), StringComparison.Ordinal);
        using (var model = spec.Compile(Device.Cpu, torch.float64, seed: 1))
        {
            // μ and σ (3 each), the shared context (4), the radial step's 3 + 2 parameters.
            Assert.Equal(new long[] { 6 + 4 + 5, 16 }, model.get_parameter("encoder.output.weight")!.shape);
        }

        var losses = Losses(spec);
        Assert.All(losses, l => Assert.True(double.IsFinite(l)));
        Assert.True(losses[^3..].Average() < losses[..3].Average(), string.Join(", ", losses.Select(l => l.ToString("F2"))));
    }

    [Fact]
    public void Steps_of_any_kind_round_trip_as_json_and_the_named_kinds_write_as_before()
    {
        var spec = Small().WithPosteriorSteps(new BijSpec[] { Bij.MaskedAutoregressive(8), Bij.Amortised(Bij.Planar()) }, context: 2);
        var json = spec.ToJson();
        Assert.Contains("\"posterior_steps\"", json, StringComparison.Ordinal);
        Assert.Equal(spec, SpecJson.FromJson<VaeSpec>(json));
        Assert.DoesNotContain("posterior_steps", Small().WithPosteriorFlow(PosteriorFlowKind.Planar, 2).ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void Steps_that_do_not_fit_the_latent_code_are_refused_naming_the_step()
    {
        var image = Assert.Throws<GenShapeException>(() => Small().WithPosteriorSteps(new[] { Bij.Reverse(), ImageBij.Squeeze() }, context: 0));
        Assert.Equal("vae.posterior_flow[1]", image.Node);
        var mask = Assert.Throws<GenShapeException>(() => Small().WithPosteriorSteps(new[] { Bij.AffineCoupling(Mask.Alternating(4), Net.Mlp(8)) }, context: 2));
        Assert.Equal("vae.posterior_flow[0].mask", mask.Node);
        Assert.Equal("vae.posterior_flow", Assert.Throws<GenShapeException>(() => Small().WithPosteriorSteps(Array.Empty<BijSpec>(), context: 0)).Node);
        Assert.Equal("vae.posterior_context", Assert.Throws<GenShapeException>(() => Small().WithPosteriorSteps(new[] { Bij.Reverse() }, context: -1)).Node);
        Assert.Throws<ArgumentException>(() => Small().WithPosteriorFlow(PosteriorFlowKind.Steps, 2));
    }

    [Fact]
    public void The_README_posterior_of_mixed_steps_builds_and_reads_as_shown()
    {
        // README:begin
        var mixed = Latent.Vae(784, 16).WithPosteriorSteps(
            [Bij.InverseAutoregressive(64, 64), Bij.Amortised(Bij.Planar()), Bij.Reverse()], context: 16);
        // README:end
        Assert.Equal(3, mixed.PosteriorFlowSteps);
        using var model = mixed.Compile(Device.Cpu, seed: 0);
        Assert.Equal(2 * 16 + 16 + (2 * 16 + 1), model.get_parameter("encoder.output.weight")!.shape[0]);
        Assert.Equal(ReadmeSnippetTests.Marked("tests/Gen.Dsl.Tests/Latent/PosteriorStepsTests.cs"), ReadmeSnippetTests.BlockStartingWith("src/Gen.Dsl/README.md", "var mixed = Latent.Vae"));
    }
}
