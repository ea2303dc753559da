using Gen.Data;
using TorchSharp;

namespace Gen.Dsl.Tests.Latent;

/// <summary>Real binary data sets for the latent-variable tests, with fixed splits, and the independent-Bernoulli baseline.</summary>
internal static class LatentData
{
    /// <summary>The 8×8 digits binarised at half intensity (pixel &gt; 8), float64 or float32, split 75/25 with a fixed seed.</summary>
    public static Split Digits(torch.ScalarType dtype)
    {
        var pixels = Gen.Data.Digits.Load(Device.Cpu).Images;
        var binary = pixels.gt(8).to(dtype);
        return DataSplit.Shuffled(binary, 0.25, seed: 0);
    }

    /// <summary>The 200 embedded binarised MNIST test images [200, 784], split 150/50 with a fixed seed.</summary>
    public static Split Mnist() => DataSplit.Shuffled(BinarizedMnist.LoadSample(Device.Cpu, ImageLayout.Flat), 0.25, seed: 0);

    /// <summary>
    /// The held-out NLL (nats per data point) of the best independent Bernoulli per feature fitted to the training set,
    /// with add-one smoothing so that a pixel never on in training does not give an infinite loss.
    /// </summary>
    public static double IndependentBernoulliNll(Split split)
    {
        using var scope = torch.NewDisposeScope();
        var n = split.Train.shape[0];
        var p = (split.Train.sum(0, type: torch.float64) + 1) / (n + 2);
        var x = split.Test.to(torch.float64);
        var logLikelihood = (x * p.log() + (1 - x) * (1 - p).log()).sum(1);
        return -logLikelihood.mean().item<double>();
    }
}
