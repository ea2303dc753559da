using System;
using System.Linq;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Latent;

/// <summary>Bounds and estimates of a small VAE trained on 150 real binarised MNIST images, judged on the 50 held out.</summary>
public class MnistVaeTests(TrainedMnistVae trained) : IClassFixture<TrainedMnistVae>
{
    private VaeModel Model => trained.Model;

    private torch.Tensor Test => trained.Data.Test;

    [Fact]
    public void Its_held_out_importance_sampled_nll_beats_independent_pixels_by_a_clear_margin()
    {
        // The best independent Bernoulli per pixel scores about 197 nats on the held-out images; the VAE, trained for
        // about a second, must do better by 30 nats (it reaches about 151).
        double baseline = LatentData.IndependentBernoulliNll(trained.Data);
        double nll = -Model.LogProb(Test, samples: 1000, chunk: 250, Seed.Generator(0)).mean().item<float>();
        Assert.True(nll < baseline - 30, $"held-out NLL {nll:F1} nats should beat the independent-Bernoulli baseline {baseline:F1} by 30 nats");
    }

    [Fact]
    public void Elbo_is_below_iwae_which_grows_with_k_towards_the_log_likelihood()
    {
        // Averaged over the held-out images and over repeated draws (fixed seed). Typical values: ELBO −160,
        // IWAE₅ −156.5, IWAE₅₀ −152, log p (2000 samples) −151.
        var g = Seed.Generator(1);
        using var noGrad = torch.no_grad();
        double Mean(int repeats, Func<torch.Tensor> bound) => Enumerable.Range(0, repeats).Average(_ => (double)bound().mean().item<float>());
        double elbo = Mean(20, () => Model.Elbo(Test, g));
        double iwae1 = Mean(20, () => Model.Iwae(Test, 1, g));
        double iwae5 = Mean(5, () => Model.Iwae(Test, 5, g));
        double iwae50 = Mean(2, () => Model.Iwae(Test, 50, g));
        double logp = Model.LogProb(Test, samples: 2000, chunk: 250, g).mean().item<float>();
        Assert.True(Math.Abs(elbo - iwae1) < 1.5, $"IWAE with k = 1 ({iwae1:F2}) is the ELBO ({elbo:F2}) in expectation");
        Assert.True(elbo < iwae5 - 1, $"ELBO {elbo:F2} < IWAE_5 {iwae5:F2}");
        Assert.True(iwae5 < iwae50 - 1, $"IWAE_5 {iwae5:F2} < IWAE_50 {iwae50:F2}");
        Assert.True(iwae50 < logp, $"IWAE_50 {iwae50:F2} < log p estimate {logp:F2}");
    }

    [Fact]
    public void Importance_sampling_beats_the_naive_prior_sampling_estimate_with_the_same_k()
    {
        using var noGrad = torch.no_grad();
        // Three estimates of each with 300 samples: drawing z from the prior misses the small region of latent space that
        // explains an image, so its estimate is much lower and scatters far more between repeats.
        var g = Seed.Generator(2);
        var importance = torch.stack(Enumerable.Range(0, 3).Select(_ => Model.LogProb(Test, 300, 300, g)).ToArray());
        var naive = torch.stack(Enumerable.Range(0, 3).Select(_ => Model.NaiveLogProb(Test, 300, 300, g)).ToArray());
        double importanceMean = importance.mean().item<float>();
        double naiveMean = naive.mean().item<float>();
        double importanceSpread = importance.std(0).mean().item<float>();
        double naiveSpread = naive.std(0).mean().item<float>();
        Assert.True(naiveMean < importanceMean - 5, $"naive {naiveMean:F2} should lie far below importance sampling {importanceMean:F2}");
        // Over 12 repeats the spreads were 6.83 and 1.18 nats (5.8 times); a spread from 3 repeats is itself noisy (the
        // naive one was 4.8 to 6.9 in blocks of 3), so 3 times is what the test can tell from the seed's luck.
        Assert.True(naiveSpread > 3 * importanceSpread, $"naive spread {naiveSpread:F3} should be far above importance sampling's {importanceSpread:F3}");
    }

    [Fact]
    public void Chunking_changes_memory_not_the_estimate()
    {
        var x = Test[..10];
        // One sample in one chunk is the IWAE bound with k = 1 on the same draw.
        var one = Model.LogProb(x, samples: 1, chunk: 1, Seed.Generator(3));
        Assert.True(torch.allclose(one, Model.Iwae(x, 1, Seed.Generator(3)).detach(), rtol: 1e-5, atol: 1e-4));

        // Uneven chunks (600 = 85 · 7 + 5) estimate the same thing as one big chunk: per image, the two estimates differ
        // by Monte Carlo noise alone, so their mean difference over the held-out images lies within a few standard errors
        // of 0 (combining chunks wrongly, say without the log of the chunk count, would shift it by nats). A fixed bound
        // on the difference of two noisy means held or failed by the draws' luck.
        var images = Test;
        var difference = (Model.LogProb(images, samples: 600, chunk: 7, Seed.Generator(4)) - Model.LogProb(images, samples: 600, chunk: 600, Seed.Generator(5))).to(torch.float64);
        double meanDifference = difference.mean().ToDouble();
        double standardError = difference.std().ToDouble() / Math.Sqrt(difference.shape[0]);
        Assert.True(Math.Abs(meanDifference) < (4 * standardError) + 1e-3, $"chunked minus whole: {meanDifference:F3} nats, standard error {standardError:F3}");

        // Only the result survives the call.
        var stats = DisposeScopeManager.Statistics.TensorStatistics;
        long before = stats.ThreadTotalLiveCount;
        using (var result = Model.LogProb(x, samples: 50, chunk: 3, Seed.Generator(6)))
        {
            Assert.Equal(before + 1, stats.ThreadTotalLiveCount);
        }
    }

    [Fact]
    public void Sample_counts_below_one_get_clear_errors()
    {
        var x = Test[..2];
        Assert.Equal("k", Assert.Throws<ArgumentOutOfRangeException>(() => Model.Iwae(x, 0)).ParamName);
        Assert.Equal("samples", Assert.Throws<ArgumentOutOfRangeException>(() => Model.LogProb(x, samples: 0)).ParamName);
        Assert.Equal("chunk", Assert.Throws<ArgumentOutOfRangeException>(() => Model.LogProb(x, samples: 10, chunk: 0)).ParamName);
        Assert.Equal("samples", Assert.Throws<ArgumentOutOfRangeException>(() => Model.NaiveLogProb(x, samples: -1)).ParamName);
    }
}
