using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Latent;

public class VaeTrainingTests
{
    [Fact]
    public void A_vae_trained_on_binarized_mnist_beats_independent_pixels_on_held_out_images()
    {
        // Real data, fixed seeds: 150 of the embedded binarized MNIST test images for training, 50 held out. The best
        // independent Bernoulli per pixel scores about 197 nats on the held-out images; a small VAE trained for about a
        // second must do better by 20 nats, with its ELBO (a lower bound on log p(x)).
        var split = LatentData.Mnist();
        double baseline = LatentData.IndependentBernoulliNll(split);
        using var model = Gen.Dsl.Latent.Vae(784, latent: 8).WithEncoder(Net.Mlp(128)).WithDecoder(Net.Mlp(128)).Compile(Device.Cpu, seed: 0);
        VaeTraining.Fit(model, split.Train, steps: 400, batch: 50, learningRate: 1e-3, seed: 1);

        double elboNll;
        using (torch.no_grad())
        {
            elboNll = -model.Elbo(split.Test, Seed.Generator(2)).mean().item<float>();
        }

        Assert.True(elboNll < baseline - 20, $"held-out −ELBO {elboNll:F1} nats should beat the independent-Bernoulli baseline {baseline:F1} by 20 nats");
    }
}
