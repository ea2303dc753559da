using System.Diagnostics;
using Gen.Data;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace Gen.Dsl.Tests.Latent.ConvVae;

public class ConvVaeTrainingTests(ITestOutputHelper output)
{
    [Fact]
    public void A_conv_vae_trained_on_binarized_mnist_images_beats_independent_pixels_on_held_out_images()
    {
        // The 200 embedded binarised MNIST images as [200, 1, 28, 28], 160 for training and 40 held out. The best
        // independent Bernoulli per pixel fitted to the 160 scores about 195 nats per held-out image; a fresh conv VAE's
        // ELBO is about −520. After 250 steps (about 12 s on two idle cores) the held-out ELBO, a lower bound on
        // log p(x), is about −152: it must beat the baseline's log-likelihood by 25 nats.
        var watch = Stopwatch.StartNew();
        var split = DataSplit.Shuffled(BinarizedMnist.LoadSample(Device.Cpu, ImageLayout.Image), 0.2, seed: 0);
        Assert.Equal(new long[] { 160, 1, 28, 28 }, split.Train.shape);
        double baseline = LatentData.IndependentBernoulliNll(new Split(split.Train.flatten(1), split.Test.flatten(1)));
        var spec = Gen.Dsl.Latent.Vae(1, 28, 28, latent: 16).WithEncoder(Net.ConvEncoder(8, 16)).WithDecoder(Net.ConvDecoder(16, 8));
        using var model = spec.Compile(Device.Cpu, seed: 0);
        double HeldOutElbo()
        {
            using var noGrad = torch.no_grad();
            return model.Elbo(split.Test, Seed.Generator(7)).mean().item<float>();
        }

        double before = HeldOutElbo();
        Assert.True(-before > baseline, $"untrained ELBO {before:F1} should be below the baseline {-baseline:F1}");
        VaeTraining.Fit(model, split.Train, steps: 250, batch: 32, learningRate: 3e-3, seed: 1);
        double after = HeldOutElbo();
        output.WriteLine($"baseline NLL {baseline:F1}, held-out ELBO {before:F1} -> {after:F1}, {watch.Elapsed.TotalSeconds:F1} s");
        Assert.True(-after < baseline - 25, $"held-out ELBO {after:F1} should beat the independent-Bernoulli log-likelihood {-baseline:F1} by 25 nats");
    }
}
