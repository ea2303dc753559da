using System;
using System.Linq;
using Gen.Probability;
using TorchSharp;
using Xunit;
using TransformedDistribution = Gen.Probability.Distributions.TransformedDistribution;

namespace Gen.Dsl.Tests.Latent;

public class FlowPosteriorTests
{
    private static VaeSpec Small(PosteriorFlowKind kind, int steps) =>
        Gen.Dsl.Latent.Vae(64, latent: 3).WithEncoder(Net.Mlp(16)).WithDecoder(Net.Mlp(16)).WithPosteriorFlow(kind, steps);

    // Measured: see the training test below.
    private const double IafMargin = 0.5;

    private static torch.Tensor Batch(int n) => LatentData.Digits(torch.float64).Train[..n];

    [Fact]
    public void The_spec_checks_and_prints_the_flow_and_sizes_the_encoder_for_it()
    {
        Assert.Contains("DiagonalNormal(3) + 4 amortised planar steps", Small(PosteriorFlowKind.Planar, 4).ToString());
        Assert.NotEqual(Small(PosteriorFlowKind.Planar, 4), Small(PosteriorFlowKind.Radial, 4));
        Assert.Contains("vae.posterior_flow", Assert.Throws<ArgumentOutOfRangeException>(() => Small(PosteriorFlowKind.Planar, 0)).Message);
        Assert.Contains("vae.posterior_flow", Assert.Throws<ArgumentOutOfRangeException>(() => Small(PosteriorFlowKind.None, 2)).Message);
        using var planar = Small(PosteriorFlowKind.Planar, 4).Compile(Device.Cpu, seed: 0);
        using var radial = Small(PosteriorFlowKind.Radial, 2).Compile(Device.Cpu, seed: 0);
        Assert.Equal(new long[] { 2 * 3 + 4 * (2 * 3 + 1), 16 }, planar.get_parameter("encoder.output.weight")!.shape);
        Assert.Equal(new long[] { 2 * 3 + 2 * (3 + 2), 16 }, radial.get_parameter("encoder.output.weight")!.shape);

        // Inverse autoregressive steps: the encoder adds one context of latent width; each step is a MADE of the model's own.
        var iafSpec = Small(PosteriorFlowKind.InverseAutoregressive, 2);
        Assert.Contains("DiagonalNormal(3) + 2 inverse autoregressive steps (MADE 3-32-32, context 3)", iafSpec.ToString());
        using var iaf = iafSpec.Compile(Device.Cpu, seed: 0);
        Assert.Equal(new long[] { 2 * 3 + 3, 16 }, iaf.get_parameter("encoder.output.weight")!.shape);
        Assert.Equal(2, iaf.named_parameters().Select(p => p.name).Where(n => n.StartsWith("posterior_flow.", StringComparison.Ordinal)).Select(n => n.Split('.')[1]).Distinct().Count());
    }

    [Theory]
    [InlineData(PosteriorFlowKind.Planar)]
    [InlineData(PosteriorFlowKind.Radial)]
    [InlineData(PosteriorFlowKind.InverseAutoregressive)]
    public void A_fresh_posterior_flow_is_the_identity_for_every_input(PosteriorFlowKind kind)
    {
        using var model = Small(kind, 3).Compile(Device.Cpu, torch.float64, seed: 1);
        var q = Assert.IsType<TransformedDistribution>(model.Encode(Batch(8)));
        var z = q.Base.Sample(new long[] { 5 }, Seed.Generator(2));
        var t = q.Bijector.ForwardAndLogDet(z);
        // Up to the float32 rounding of the initial biases (û = 0 needs wᵀu = softplus⁻¹(1) exactly).
        Assert.True(torch.allclose(t.Value, z, rtol: 0, atol: 1e-5));
        Assert.True(t.LogDet.abs().max().item<double>() < 1e-5);
    }

    [Theory]
    [InlineData(PosteriorFlowKind.Planar)]
    [InlineData(PosteriorFlowKind.Radial)]
    [InlineData(PosteriorFlowKind.InverseAutoregressive)]
    public void The_amortised_posterior_density_agrees_with_its_sampling_pass(PosteriorFlowKind kind)
    {
        // Each data point has its own flow. SampleAndLogProb runs the steps forward; LogProb inverts them (numerically for
        // planar steps) with the parameters broadcast over [k, batch].
        using var model = Small(kind, 3).Compile(Device.Cpu, torch.float64, seed: 3);
        TestWeights.Perturb(model, seed: 4, scale: 0.3);

        var q = model.Encode(Batch(6));
        Assert.Equal(new long[] { 6 }, q.BatchShape);
        var s = q.SampleAndLogProb(new long[] { 7 }, Seed.Generator(5));
        Assert.Equal(new long[] { 7, 6, 3 }, s.Value.shape);
        Assert.True(torch.allclose(q.LogProb(s.Value), s.LogProb, rtol: 1e-8, atol: 1e-8));
    }

    [Fact]
    public void The_kl_term_of_a_flow_posterior_is_estimated_and_the_bounds_stay_ordered()
    {
        using var model = Small(PosteriorFlowKind.Planar, 2).Compile(Device.Cpu, torch.float64, seed: 6);
        var x = Batch(32);
        var g = Seed.Generator(7);
        var a = model.Terms(x, g);
        var b = model.Terms(x, g);
        Assert.False(torch.allclose(a.Kl, b.Kl)); // a Monte Carlo estimate: it changes between draws
        double elbo = Enumerable.Range(0, 20).Average(_ => model.Elbo(x, g).mean().item<double>());
        double iwae = Enumerable.Range(0, 5).Average(_ => model.Iwae(x, 20, g).mean().item<double>());
        double logp = model.LogProb(x, samples: 1000, chunk: 250, g).mean().item<double>();
        Assert.True(elbo < iwae && iwae < logp, $"ELBO {elbo:F3}, IWAE_20 {iwae:F3}, log p {logp:F3}");
    }

    [Fact]
    public void Dreg_works_through_the_numerical_inverse_of_a_planar_posterior()
    {
        // DReG evaluates log q at the samples with the posterior's parameters fixed, which for a flow means inverting it.
        using var plain = Small(PosteriorFlowKind.Planar, 2).WithObjective(LatentObjective.Iwae(4)).Compile(Device.Cpu, torch.float64, seed: 8);
        using var dreg = Small(PosteriorFlowKind.Planar, 2).WithObjective(LatentObjective.IwaeDreg(4)).Compile(Device.Cpu, torch.float64, seed: 8);
        var x = Batch(8);
        var lossPlain = plain.Loss(x, 0, Seed.Generator(9));
        var lossDreg = dreg.Loss(x, 0, Seed.Generator(9));
        Assert.Equal(lossPlain.item<double>(), lossDreg.item<double>(), 8);
        lossPlain.backward();
        lossDreg.backward();
        var decoder = plain.get_parameter("decoder.output.weight")!.grad!;
        Assert.True(torch.allclose(decoder, dreg.get_parameter("decoder.output.weight")!.grad!, rtol: 1e-7, atol: 1e-10));
        Assert.True(dreg.parameters().All(p => p.grad is not null && p.grad.isfinite().all().item<bool>()));
    }

    [Fact]
    public void Planar_steps_on_the_posterior_tighten_the_held_out_elbo_on_mnist()
    {
        // The same VAE as in MnistVaeTests, with and without four amortised planar steps, the same training. On the held-out
        // images the flow posterior's ELBO is about −155 against −160 for the diagonal Gaussian; its importance-sampled
        // log-likelihood moves much less (−148.6 against −151.2): the flow mostly closes the gap between bound and log p.
        var split = LatentData.Mnist();
        double HeldOutElbo(PosteriorFlowKind kind, int steps)
        {
            using var model = Gen.Dsl.Latent.Vae(784, latent: 8).WithEncoder(Net.Mlp(128)).WithDecoder(Net.Mlp(128))
                .WithPosteriorFlow(kind, steps).Compile(Device.Cpu, seed: 0);
            VaeTraining.Fit(model, split.Train, steps: 400, batch: 50, learningRate: 1e-3, seed: 1);
            using var noGrad = torch.no_grad();
            var g = Seed.Generator(2);
            return Enumerable.Range(0, 10).Average(_ => (double)model.Elbo(split.Test, g).mean().item<float>());
        }

        double diagonal = HeldOutElbo(PosteriorFlowKind.None, 0);
        double planar = HeldOutElbo(PosteriorFlowKind.Planar, 4);
        Assert.True(planar > diagonal + 2, $"held-out ELBO with planar steps {planar:F2} should beat the diagonal posterior's {diagonal:F2} by 2 nats");
        // Two IAF steps start as the identity (zero MADE outputs) and, in these 400 steps, only match the diagonal posterior
        // (measured −159.97 against −160.12): the test holds them to that, not to the planar steps' gain.
        double iaf = HeldOutElbo(PosteriorFlowKind.InverseAutoregressive, 2);
        Assert.True(iaf > diagonal - IafMargin, $"held-out ELBO with two IAF steps {iaf:F2} should be within {IafMargin} nats of the diagonal posterior's {diagonal:F2} or better");
    }
}
