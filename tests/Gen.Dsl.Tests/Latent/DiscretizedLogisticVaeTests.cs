using System;
using Gen.Data;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Latent;

public class DiscretizedLogisticVaeTests
{
    [Fact]
    public void A_vae_with_a_discretised_logistic_likelihood_learns_the_8x8_digits()
    {
        // The digits have 17 grey levels (0..16). Uniform levels score 64·log 17 = 181.3 nats per image.
        var pixels = Gen.Data.Digits.Load(Device.Cpu).Images.to(torch.float32);
        var split = DataSplit.Shuffled(pixels, 0.25, seed: 0);
        var spec = Gen.Dsl.Latent.Vae(64, latent: 8).WithEncoder(Net.Mlp(128)).WithDecoder(Net.Mlp(128))
            .WithLikelihood(Likelihood.DiscretizedLogistic(17));
        Assert.Contains("DiscretizedLogistic(17 levels)", spec.ToString());
        using var model = spec.Compile(Device.Cpu, seed: 0);
        double HeldOut()
        {
            using var noGrad = torch.no_grad();
            return -model.Elbo(split.Test, Seed.Generator(1)).mean().item<float>();
        }

        double before = HeldOut();
        VaeTraining.Fit(model, split.Train, steps: 400, batch: 64, learningRate: 3e-3, seed: 2);
        double after = HeldOut();
        double uniform = 64 * Math.Log(17);
        Assert.True(after < uniform - 40 && after < before - 40, $"held-out −ELBO {before:F1} before, {after:F1} after training; uniform levels {uniform:F1}");

        var samples = model.Sample(6, Seed.Generator(3));
        Assert.Equal(new long[] { 6, 64 }, samples.shape);
        Assert.True(samples.ge(0).logical_and(samples.le(16)).logical_and(samples.eq(samples.round())).all().item<bool>());

        var bad = Assert.Throws<ArgumentException>(() => model.Elbo(split.Test + 0.5f));
        Assert.Contains("integer levels 0 … 16", bad.Message);
    }
}
