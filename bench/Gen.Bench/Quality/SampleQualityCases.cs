using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Gen.Data;
using Gen.Dsl;
using TorchSharp;

namespace Gen.Bench;

/// <summary>
/// Sample-quality rows on MNIST and Fashion-MNIST: the Fréchet distance, kernel distance, precision and recall on the
/// features of a classifier Gen trains on the same training set (<see cref="ClassifierFeatures"/>; not Inception's, so
/// these are not the papers' FID), for the floor (the training set against the test set) and for a model's samples.
/// </summary>
internal static class SampleQualityCases
{
    internal const int Count = 10_000;

    /// <summary>The training images [60000, 784] and test images [10000, 784] in [0, 1], with labels; the embedded sample in quick mode.</summary>
    internal static (torch.Tensor Train, torch.Tensor TrainLabels, torch.Tensor Test, torch.Tensor TestLabels) Load(QualityContext c, string data)
    {
        if (c.Quick)
        {
            var digits = Digits.Load(c.Device);
            var images = torch.nn.functional.interpolate(digits.Images.reshape(-1, 1, 8, 8).to(torch.float32) / 16, new long[] { 28, 28 }).reshape(-1, 784);
            return (images.narrow(0, 0, 1400), digits.Labels.narrow(0, 0, 1400), images.narrow(0, 1400, 397), digits.Labels.narrow(0, 1400, 397));
        }

        var source = DataSource.Default.WithDownload(false);
        var train = data == "fashion" ? FashionMnist.Load(MnistSplit.Train, c.Device, ImageLayout.Flat, source) : Mnist.Load(MnistSplit.Train, c.Device, ImageLayout.Flat, source);
        var test = data == "fashion" ? FashionMnist.Load(MnistSplit.Test, c.Device, ImageLayout.Flat, source) : Mnist.Load(MnistSplit.Test, c.Device, ImageLayout.Flat, source);
        return (train.Images.to(torch.float32) / 255, train.Labels, test.Images.to(torch.float32) / 255, test.Labels);
    }

    internal static string DatasetName(QualityContext c, string data) =>
        c.Quick ? "8x8 digits upsampled to 28x28 (quick mode)" : data == "fashion" ? "Fashion-MNIST, test 10000" : "MNIST, test 10000";

    /// <summary>The metrics of <paramref name="samples"/> [n, 784] in [0, 1] against the test images, as rows.</summary>
    internal static IEnumerable<QualityRow> Rows(QualityContext c, string model, string data, ClassifierFeatures features, torch.Tensor test, torch.Tensor samples, string architecture, string budget)
    {
        using var scope = torch.NewDisposeScope();
        var real = features.Features(test);
        var fake = features.Features(samples);
        double fd = FrechetDistance.Between(real, fake);
        var kd = KernelDistance.Between(real, fake, Seed.Generator(7), subsets: c.Quick ? 5 : 100, subsetSize: 1000);
        var pr = PrecisionRecall.Measure(real, fake);
        string note = "on the features of " + features.Description + " (not Inception's: not comparable with papers' FID)";
        string dataset = DatasetName(c, data);
        yield return new QualityRow(model, dataset, "Fréchet distance (classifier features)", fd, null, "-", architecture, budget, note);
        yield return new QualityRow(model, dataset, "kernel distance (classifier features)", kd.Mean, null, "-", architecture, budget,
            string.Create(CultureInfo.InvariantCulture, $"mean over {kd.Subsets} subsets of {kd.SubsetSize}; sd {kd.StandardDeviation:G3}"));
        yield return new QualityRow(model, dataset, "precision (k = 3)", pr.Precision, null, "-", architecture, budget, null);
        yield return new QualityRow(model, dataset, "recall (k = 3)", pr.Recall, null, "-", architecture, budget, null);
    }

    internal static ClassifierFeatures Features(QualityContext c, string data, torch.Tensor train, torch.Tensor trainLabels, torch.Tensor test, torch.Tensor testLabels)
    {
        var features = ClassifierFeatures.Train(train, trainLabels, 10, data == "fashion" ? "Fashion-MNIST's 60000 training images" : "MNIST's 60000 training images", seed: 0, epochs: c.Quick ? 3 : 10);
        features.Accuracy(test, testLabels);
        return features;
    }

    /// <summary>The floor: 10,000 training images against the 10,000 test images.</summary>
    public static IEnumerable<QualityRow> Floor(QualityContext c, string data)
    {
        var (train, trainLabels, test, testLabels) = Load(c, data);
        using var features = Features(c, data, train, trainLabels, test, testLabels);
        var subset = train.narrow(0, 0, Math.Min(Count, train.shape[0]));
        foreach (var row in Rows(c, $"floor-{data}", data, features, test, subset, "the first 10000 training images", "no training"))
        {
            yield return row;
        }
    }

    /// <summary>The other end: 10,000 images of uniform noise in [0, 1] against the test images.</summary>
    public static IEnumerable<QualityRow> Noise(QualityContext c, string data)
    {
        var (train, trainLabels, test, testLabels) = Load(c, data);
        using var features = Features(c, data, train, trainLabels, test, testLabels);
        using var noise = DeviceRandom.Uniform(new long[] { c.Quick ? 397 : Count, 784 }, torch.float32, c.Device, Seed.Generator(5));
        foreach (var row in Rows(c, $"noise-{data}", data, features, test, noise, "uniform noise in [0, 1], 10000 images", "no training"))
        {
            yield return row;
        }
    }

    /// <summary>
    /// The DCGAN of the gan example (<c>--arch dcgan</c>: latent 64, 32 and 64 feature maps, spectrally normalised
    /// discriminator, non-saturating loss, Adam 2e-4 (0.5, 0.999), batch 64, samples from the generator's moving average
    /// with decay 0.999) trained for the budget on the training images scaled to [−1, 1]. Conditional: one sample per
    /// label of the first 10,000 training labels, and the share of samples the metric's classifier gives their label.
    /// </summary>
    public static IEnumerable<QualityRow> DcGan(QualityContext c, string data, bool conditional)
    {
        var spec = Adversarial.DcGan(64, 1, 28, 28, filters: 32).WithSpectralNorm().WithGeneratorAverage(0.999);
        return ImageGan(c, $"dcgan-{(conditional ? "conditional-" : "")}{data}", data, conditional ? spec.WithClasses(10) : spec,
            (model, pool, labels) => c.TrainGan(model, pool, 64, 2e-4, labels), "one critic step each), batch 64, Adam 2e-4 (0.5, 0.999)");
    }

    /// <summary>
    /// The SNGAN of the gan example (<c>--arch resnet-sn</c>: latent 64, residual networks of 64 maps, the discriminator
    /// spectrally normalised) trained as in the SNGAN paper: hinge loss, 5 discriminator steps per generator step,
    /// Adam 2e-4 with β = (0, 0.9), batch 64, samples from the generator's moving average with decay 0.999. A round takes
    /// about 18 s on one thread of the 2-core CPU (a generator pass and its gradient about 2-3 s, a discriminator's under
    /// 1 s, at 64 maps and 28×28), so this case is sized for a GPU.
    /// </summary>
    public static IEnumerable<QualityRow> SnGan(QualityContext c, string data) =>
        ImageGan(c, $"sngan-{data}", data, Adversarial.SnGan(64, 1, 28, 28, filters: 64).WithGeneratorAverage(0.999),
            (model, pool, labels) => c.TrainGan(model, pool, 64, 2e-4, labels, Objective.Hinge, criticSteps: 5, beta1: 0, beta2: 0.9),
            "5 critic steps each), batch 64, hinge loss, Adam 2e-4 (0, 0.9)");

    /// <summary>
    /// The style-based GAN of the gan example (<c>--arch style</c>: latent and style 64, a mapping network of 4 layers,
    /// 32 maps at 7×7, 14×14 and 28×28, the residual discriminator of 32 maps) trained as StyleGAN2 is: non-saturating
    /// loss with an R1 penalty of weight 10 paid once in 16 critic steps, Adam 1e-3 with β = (0, 0.99) for both, batch
    /// 64, samples from the generator's moving average with decay 0.999. (At 2.5e-3 for the generator, StyleGAN2's rate,
    /// and R1 of weight 1, both 600-second runs collapsed: recall 0.00, Fréchet distance 210 conditional.) Conditional:
    /// the label enters the mapping network, which learns at the full rate (at StyleGAN's 0.01 it barely moves in a
    /// short run).
    /// </summary>
    public static IEnumerable<QualityRow> StyleGan(QualityContext c, string data, bool conditional)
    {
        // StyleGAN2's discriminator ends with a minibatch standard deviation layer; without it both 600-second runs
        // lost the samples' spread (recall 0.00).
        var spec = Adversarial.StyleGan(64, 1, 28, 28, filters: 32)
            .Discriminator(Net.ResNetDiscriminator(32, downBlocks: 2, blocks: 4).WithMinibatchStdDev(4))
            .WithGeneratorAverage(0.999);
        spec = conditional ? spec.WithClasses(10).Generator(Net.StyleGenerator(32, 2, 64, 4).WithClasses(10).WithMappingRate(1)) : spec;
        return ImageGan(c, $"stylegan-{(conditional ? "conditional-" : "")}{data}", data, spec,
            (model, pool, labels) => c.TrainGan(model, pool, 64, 1e-3, labels, StyleObjective, beta1: 0, beta2: 0.99),
            "one critic step each), batch 64, non-saturating loss + R1 (weight 10, every 16 critic steps), Adam 1e-3 (0, 0.99), minibatch standard deviation over groups of 4 in the discriminator");
    }

    private static readonly AdversarialLoss StyleObjective = Objective.NonSaturating + (10 * Penalty.R1.Every(16));

    // An image GAN trained for the budget on the training images scaled to [−1, 1] and judged on 10,000 samples (one per
    // label of the first 10,000 training labels when conditional, with the share the metric's classifier gives their
    // label); training says "(N generator steps, " and the rest of the budget's text follows.
    private static IEnumerable<QualityRow> ImageGan(QualityContext c, string name, string data, GanSpec spec,
        Func<GanModel, torch.Tensor, torch.Tensor?, (long Steps, TimeSpan Elapsed)> train, string training)
    {
        bool conditional = spec.Classes > 0;
        var (trainImages, trainLabels, test, testLabels) = Load(c, data);
        using var features = Features(c, data, trainImages, trainLabels, test, testLabels);
        var scaled = ((trainImages * 2) - 1).reshape(-1, 1, 28, 28);
        string architecture = spec.ToString().Replace("\n", ";", StringComparison.Ordinal);
        using var model = spec.Compile(c.Device, seed: 0);
        var (steps, elapsed) = train(model, scaled, conditional ? trainLabels : null);
        long count = c.Quick ? 397 : Count;
        var labels = trainLabels.narrow(0, 0, count);
        // Drawn 1,000 at a time: 10,000 style-generator samples at once held every 28×28 layer's maps for all of them
        // (about 1 GB each) and the conditional run was killed for memory.
        var draws = Seed.Generator(2);
        using var drawn = torch.cat(Enumerable.Range(0, (int)((count + 999) / 1000)).Select(k =>
        {
            long start = k * 1000L, n = Math.Min(1000, count - start);
            return conditional ? model.SampleGiven(labels.narrow(0, start, n), draws) : model.Sample(n, draws);
        }).ToArray(), 0);
        using var samples = ((drawn + 1) / 2).clamp(0, 1).reshape(count, 784);
        string budget = string.Create(CultureInfo.InvariantCulture, $"{elapsed.TotalSeconds:F0} s of training ({steps} generator steps, {training}, on {c.Machine}");
        foreach (var row in Rows(c, name, data, features, test, samples, architecture, budget))
        {
            yield return row;
        }

        if (conditional)
        {
            yield return new QualityRow(name, DatasetName(c, data), "samples classified as their label", features.Accuracy(samples, labels), null, "-", architecture, budget,
                "the share of samples the metric's classifier assigns the class they were drawn for; 0.1 by chance");
        }
    }

    /// <summary>
    /// The MLP GAN of the gan example (latent 64, MLP 256-256 both, spectrally normalised discriminator, non-saturating
    /// loss, Adam 2e-4 (0.5, 0.999), batch 64) trained for the budget on the training images scaled to [−1, 1]; its
    /// 10,000 samples mapped back to [0, 1].
    /// </summary>
    public static IEnumerable<QualityRow> MlpGan(QualityContext c, string data)
    {
        var (train, trainLabels, test, testLabels) = Load(c, data);
        using var features = Features(c, data, train, trainLabels, test, testLabels);
        var scaled = (train * 2) - 1;
        var spec = Adversarial.Gan(64, 784).Generator(Net.Mlp(256, 256)).Discriminator(Net.Mlp(256, 256)).WithSpectralNorm();
        using var model = spec.Compile(c.Device, seed: 0);
        var (steps, elapsed) = c.TrainGan(model, scaled, 64, 2e-4);
        using var samples = ((model.Sample(c.Quick ? 397 : Count, Seed.Generator(2)) + 1) / 2).clamp(0, 1);
        string budget = string.Create(CultureInfo.InvariantCulture, $"{elapsed.TotalSeconds:F0} s of training ({steps} generator steps, one critic step each), batch 64, Adam 2e-4 (0.5, 0.999), on {c.Machine}");
        foreach (var row in Rows(c, $"gan-mlp-{data}", data, features, test, samples, spec.ToString(), budget))
        {
            yield return row;
        }
    }
}
