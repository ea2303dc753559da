using System;
using System.Globalization;
using Gen.Data;
using Gen.Plots;
using TorchSharp;

namespace Gen.Examples;

/// <summary>The binarized MNIST data of the MADE, NADE and PixelCNN examples, their baseline and their report.</summary>
public static class BinaryImages
{
    /// <summary>The option that picks the data.</summary>
    public static OptionSpec DataOption { get; } = new(
        "data", "sample|full", null,
        "'sample': the 200 binarized MNIST images embedded in Gen.Core, 160 to train and 40 held out; 'full': the 50000 training and 10000 test images from the data directory (default: full when --data-dir or GEN_DATA_DIR is set, else sample)");

    /// <summary>The training and held-out images in the given layout, on the run's device, and which data they are.</summary>
    public static (torch.Tensor Train, torch.Tensor Test, bool Full) Load(ExampleRun run, ImageLayout layout)
    {
        var full = run.Choice("data", run.FullDataAvailable ? "full" : "sample", run.FullDataAvailable ? "sample" : "full") == "full";
        if (full)
        {
            var source = run.DataSource;
            run.Say($"data: binarized MNIST, 50000 training and 10000 test images from {source.ResolveDirectory()}");
            return (BinarizedMnist.Load(BinarizedMnistSplit.Train, run.Device, layout, source),
                    BinarizedMnist.Load(BinarizedMnistSplit.Test, run.Device, layout, source), true);
        }

        var sample = BinarizedMnist.LoadSample(run.Device, layout);
        var split = DataSplit.Shuffled(sample, testFraction: 0.2, seed: run.Seed);
        run.Say($"data: the {BinarizedMnist.SampleCount}-image binarized MNIST sample embedded in Gen.Core, {split.Train.shape[0]} to train and {split.Test.shape[0]} held out (--data full for the full set)");
        return (split.Train, split.Test, false);
    }

    /// <summary>
    /// Held-out negative log-likelihood in nats per image of the baseline: every pixel an independent Bernoulli with
    /// its training frequency (add-one smoothing).
    /// </summary>
    public static double IndependentPixelsNll(torch.Tensor train, torch.Tensor test)
    {
        using var scope = torch.NewDisposeScope();
        var x = train.flatten(1).to(torch.float64);
        var p = (x.sum(dim: 0) + 1) / (x.shape[0] + 2);
        var t = test.flatten(1).to(torch.float64);
        var ll = (t * p.log()) + ((1 - t) * (1 - p).log());
        return -ll.sum(dim: 1).mean().item<double>();
    }

    /// <summary>Prints the held-out result against the baseline and writes the samples and the training curve.</summary>
    internal static void Report(ExampleRun run, string model, ExampleCurves result, double baseline, torch.Tensor test, torch.Tensor samples)
    {
        run.Say(string.Create(CultureInfo.InvariantCulture,
            $"held-out: {result.FinalTest:F2} nats/image ({result.Describe(model)}) vs {baseline:F2} nats/image (independent pixels baseline); lower is better"));
        var grid = new ImageGridOptions(Columns: 6, Padding: 2, Scale: 2, Side: 28);
        var real = ImageGrid.Render(test[..(int)Math.Min(samples.shape[0], test.shape[0])], grid);
        run.Save(Picture.Row(new[] { real, ImageGrid.Render(samples, grid) }, gap: 16), "samples.png");
        run.Say("  (left: held-out images; right: samples from the model)");
        run.Save(TrainingCurves.Render(new[] { result.Train, result.Test }, CurveOptions.Default.WithLabels("epoch", "nats/image").WithTitle($"{model} on binarized MNIST")), "curve.png");
    }

    /// <summary>
    /// What the image examples share: loads the data, compiles the model, trains it on the negative log-likelihood
    /// (nats per image) for --epochs (or <paramref name="fullEpochs"/> on the full set), and reports.
    /// </summary>
    public static int Run<TModel>(
        ExampleRun run, string name, ImageLayout layout, int fullEpochs, int batchSize, Func<TModel> compile,
        Func<TModel, torch.Tensor, torch.Tensor> logProb, Func<TModel, long, torch.Generator, torch.Tensor> sample)
        where TModel : torch.nn.Module
    {
        Gen.Seed.Everything(run.Seed);
        var (train, test, full) = Load(run, layout);
        int epochs = run.Has("epochs") || !full ? run.Epochs : fullEpochs;
        using var model = compile();
        var result = ExampleTraining.Run(
            run, epochs, model, train, test, batchSize, learningRate: 1e-3,
            batch => logProb(model, batch).mean().neg(),
            x => logProb(model, x).neg(),
            "nats/image");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var samples = sample(model, run.Int("samples", 36), Gen.Seed.Generator(run.Seed + 3));
        run.Say(string.Create(CultureInfo.InvariantCulture, $"drew {samples.shape[0]} samples in {clock.Elapsed.TotalSeconds:F1} s"));
        Report(run, name, result, IndependentPixelsNll(train, test), test, samples);
        return 0;
    }
}
