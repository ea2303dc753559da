using System;
using System.Globalization;
using Gen.Data;
using Gen.Dsl;
using Gen.Optimization;
using Gen.Plots;
using TorchSharp;

namespace Gen.Examples;

/// <summary>
/// A GAN on the ring of eight Gaussians: a generator and a discriminator from MLPs, an objective chosen by value, and
/// the mode-coverage measure of the VEEGAN paper (modes captured, share of high-quality samples).
/// </summary>
public static class GanExample
{
    /// <summary>The sub-command.</summary>
    public static Example Example { get; } = new(
        "gan",
        "GAN on the 8-Gaussian ring, MNIST or Fashion-MNIST (--data ring|mnist|fashion; --arch mlp|dcgan|resnet-sn|style; --conditional yes; --objective ns-sn | wgan-gp | hinge-sn | ns | ns-r1; --epochs counts generator steps): modes captured and high-quality share on the ring; sample grids, loss curves and a sample-quality metric on images.",
        4000,
        new[]
        {
            new OptionSpec("objective", "NAME", "ns-sn", "ns-sn: non-saturating, spectrally normalised critic; wgan-gp: Wasserstein with gradient penalty, 5 critic steps; hinge-sn; ns"),
            new OptionSpec("data", "ring|mnist|fashion", "ring", "ring: 8 Gaussians; mnist: MNIST digits (the full training set with --data-dir or GEN_DATA_DIR, else the embedded 200-image binarized sample); fashion: Fashion-MNIST (needs the data directory)"),
            new OptionSpec("arch", "mlp|dcgan|resnet-sn|style", "mlp", "on images: mlp: MLP 256-256 players; dcgan: transposed convolutions with batch norm and tanh against a leaky-ReLU convolutional discriminator; resnet-sn: SNGAN's residual networks, the discriminator spectrally normalised (use --objective hinge-sn); style: StyleGAN2's generator (mapping network, modulated convolutions, noise) against the residual discriminator, trained with the non-saturating loss and a lazy R1 penalty (--objective ns-r1, its default) and Adam 1e-3 (0, 0.99); the convolutional ones sample from the generator's moving average"),
            new OptionSpec("conditional", "no|yes", "no", "on images: condition both players on the class (projection discriminator); the sample grid has one row per class"),
            new OptionSpec("samples", "N", "2500", "samples for the coverage measure and the picture (36 for MNIST)"),
        },
        Run);

    private static int Run(ExampleRun run)
    {
        string data = run.Choice("data", "ring", "mnist", "fashion");
        return data == "ring" ? RunRing(run) : RunImages(run, data);
    }

    // The non-saturating loss with an R1 penalty of weight 10 paid once in 16 critic steps (StyleGAN2's lazy regularisation).
    private static readonly (AdversarialLoss Objective, int CriticSteps, bool SpectralNorm, string Name) StyleObjective = (Objective.NonSaturating + (10 * Penalty.R1.Every(16)), 1, false, "ns-r1");

    private static (AdversarialLoss Objective, int CriticSteps, bool SpectralNorm, string Name) ChooseObjective(ExampleRun run)
    {
        string name = run.Choice("objective", "ns-sn", "wgan-gp", "hinge-sn", "ns", "ns-r1");
        return name switch
        {
            "ns-r1" => StyleObjective,
            "wgan-gp" => (Objective.Wasserstein + 10 * Penalty.GradientPenalty, 5, false, name),
            "hinge-sn" => (Objective.Hinge, 1, true, name),
            "ns" => (Objective.NonSaturating, 1, false, name),
            _ => (Objective.NonSaturating, 1, true, name),
        };
    }

    // MNIST or Fashion-MNIST scaled to [−1, 1]; an MLP GAN or a DCGAN, optionally class-conditional. The pictures show
    // real images beside samples (one row per class when conditional) and both players' losses; with the full data set
    // the samples are scored on the features of a classifier trained on it.
    private static int RunImages(ExampleRun run, string dataName)
    {
        int steps = run.Epochs;
        string arch = run.Choice("arch", "mlp", "dcgan", "resnet-sn", "style");
        bool conditional = run.Choice("conditional", "no", "yes") == "yes";
        // StyleGAN2's objective unless another is asked for.
        var (objective, critic, spectral, objectiveName) = arch == "style" && !run.Has("objective") ? StyleObjective : ChooseObjective(run);
        Gen.Seed.Everything(run.Seed);
        if (!run.FullDataAvailable && (dataName == "fashion" || conditional))
        {
            run.Say($"gan: --data {dataName}{(conditional ? " --conditional yes" : "")} needs the full data set: give --data-dir or set GEN_DATA_DIR (the embedded sample is unlabelled MNIST).");
            return 2;
        }

        LabelledImages? full = run.FullDataAvailable
            ? dataName == "fashion" ? FashionMnist.Load(MnistSplit.Train, run.Device, ImageLayout.Flat, run.DataSource) : Mnist.Load(MnistSplit.Train, run.Device, ImageLayout.Flat, run.DataSource)
            : null;
        var images = full is { } set ? set.Images / 255f : BinarizedMnist.LoadSample(run.Device, ImageLayout.Flat);
        var labels = conditional ? full!.Value.Labels : null;
        string setName = dataName == "fashion" ? "Fashion-MNIST" : "MNIST";
        run.Say($"{setName}: {images.shape[0]} training images" + (full is null ? " (the embedded binarized sample; set --data-dir for the full set)" : ""));
        // DCGAN as in Radford et al. 2016 at 32 and 64 feature maps, sampled from the generator's moving average.
        // SNGAN (Miyato et al. 2018) with residual networks of 64 maps, its discriminator always spectrally normalised.
        var spec = arch switch
        {
            "dcgan" => Adversarial.DcGan(64, 1, 28, 28, filters: 32).WithGeneratorAverage(0.999),
            "resnet-sn" => Adversarial.SnGan(64, 1, 28, 28, filters: 64).WithGeneratorAverage(0.999),
            "style" => Adversarial.StyleGan(64, 1, 28, 28, filters: 32).WithGeneratorAverage(0.999),
            _ => Adversarial.Gan(64, 784).Generator(Net.Mlp(256, 256)).Discriminator(Net.Mlp(256, 256)),
        };
        spec = spectral ? spec.WithSpectralNorm() : spec;
        spec = conditional ? spec.WithClasses(10) : spec;
        // The style generator reads the label through its mapping network, which then learns at the full rate (at
        // StyleGAN's 0.01 it barely moves in a short run).
        spec = conditional && arch == "style" ? spec.Generator(Net.StyleGenerator(32, 2, 64, 4).WithClasses(10).WithMappingRate(1)) : spec;
        var data = (images * 2) - 1;
        data = arch == "mlp" ? data : data.reshape(-1, 1, 28, 28);
        run.Say(spec.ToString());
        using var model = spec.Compile(run.Device, seed: run.Seed);
        model.CheckValues = false;
        // StyleGAN2's optimizer, β1 = 0, at 1e-3 (at its 2.5e-3 the generator collapsed within 1000 steps at 28×28).
        bool style = arch == "style";
        using var generatorOptimizer = new FusedAdam(model.GeneratorParameters(), style ? 1e-3 : 2e-4, style ? 0 : 0.5, style ? 0.99 : 0.999);
        using var criticOptimizer = new FusedAdam(model.DiscriminatorParameters(), style ? 1e-3 : 2e-4, style ? 0 : 0.5, style ? 0.99 : 0.999);
        using var trainer = new GanTrainer(model, objective, critic, generatorOptimizer, criticOptimizer);
        using var random = Gen.Seed.Generator(run.Seed + 1);
        using var tensorBoard = run.OpenTensorBoard();
        var bar = new ProgressBar(run.Output, run.Example.Name, steps, run.Interactive);
        var criticCurve = new Series("critic loss");
        var generatorCurve = new Series("generator loss");
        GanStepResult last = default;
        for (int step = 1; step <= steps; step++)
        {
            last = trainer.Step(
                () =>
                {
                    var index = DeviceRandom.Integers(data.shape[0], new long[] { 64 }, run.Device, random);
                    return new GanBatch(data.index_select(0, index), labels?.index_select(0, index));
                },
                random);
            Log(tensorBoard, last, step);
            if (step % Math.Max(1, steps / 200) == 0 || step == steps)
            {
                criticCurve.Add(step, last.DiscriminatorLoss);
                generatorCurve.Add(step, last.GeneratorLoss);
            }

            bar.Report(step, string.Create(CultureInfo.InvariantCulture, $"step {step}/{steps}  critic {last.DiscriminatorLoss:F3}  generator {last.GeneratorLoss:F3}"));
        }

        model.eval();
        int count = conditional ? 100 : run.Has("samples") ? run.Int("samples", 36) : 36;
        // Conditional: ten samples of each class, so each row of the grid is one class.
        using var asked = conditional ? torch.arange(10, dtype: torch.int64, device: run.Device).repeat_interleave(10) : null;
        using var drawn = asked is null ? model.Sample(count, Gen.Seed.Generator(run.Seed + 2)) : model.SampleGiven(asked, Gen.Seed.Generator(run.Seed + 2));
        using var samples = ((drawn + 1) / 2).clamp(0, 1).reshape(count, 784).cpu();
        var real = images.narrow(0, 0, Math.Min(count, (int)images.shape[0])).cpu();
        run.Say(string.Create(CultureInfo.InvariantCulture,
            $"GAN ({arch}, {objectiveName}{(conditional ? ", conditional" : "")}) on {setName}, {steps} generator steps, {bar.Seconds:F0} s: final critic loss {last.DiscriminatorLoss:F3}, generator loss {last.GeneratorLoss:F3}; mean intensity of samples {samples.mean().item<float>():F3}, of the data {images.mean().item<float>():F3}"));
        var grid = ImageGridOptions.Default.WithSide(28).WithColumns(conditional ? 10 : null);
        run.Save(Picture.Row(new[] { ImageGrid.Render(real, grid), ImageGrid.Render(samples, grid) }, gap: 16), "samples.png");
        run.Say(conditional ? "  (left: training images; right: samples, one row per class from 0 at the top)" : "  (left: training images; right: samples from the generator)");
        run.Save(TrainingCurves.Render(new[] { criticCurve, generatorCurve }, CurveOptions.Default.WithLabels("generator step", "loss").WithTitle($"GAN ({arch}) on {setName}")), "curve.png");
        if (full is { } labelled)
        {
            Score(run, dataName, labelled, model, asked);
        }

        return 0;
    }

    // The sample-quality metric on 1000 samples against the 10,000 test images, on the features of a classifier
    // trained on the training images (not Inception's features, so not comparable with papers' FID).
    private static void Score(ExampleRun run, string dataName, LabelledImages train, GanModel model, torch.Tensor? asked)
    {
        var test = dataName == "fashion" ? FashionMnist.Load(MnistSplit.Test, run.Device, ImageLayout.Flat, run.DataSource) : Mnist.Load(MnistSplit.Test, run.Device, ImageLayout.Flat, run.DataSource);
        using var scope = torch.NewDisposeScope();
        var testImages = test.Images / 255f;
        using var features = ClassifierFeatures.Train(train.Images / 255f, train.Labels, 10, dataName == "fashion" ? "Fashion-MNIST's training images" : "MNIST's training images", seed: run.Seed, epochs: 5);
        double accuracy = features.Accuracy(testImages, test.Labels);
        var labels = asked is null ? null : train.Labels.narrow(0, 0, 1000);
        var drawn = labels is null ? model.Sample(1000, Gen.Seed.Generator(run.Seed + 3)) : model.SampleGiven(labels, Gen.Seed.Generator(run.Seed + 3));
        var samples = ((drawn + 1) / 2).clamp(0, 1).reshape(1000, 784);
        var (real, fake) = (features.Features(testImages), features.Features(samples));
        double fd = FrechetDistance.Between(real, fake);
        var kd = KernelDistance.Between(real, fake, Gen.Seed.Generator(run.Seed + 4), subsets: 20, subsetSize: 500);
        var pr = PrecisionRecall.Measure(real, fake);
        run.Say(string.Create(CultureInfo.InvariantCulture,
            $"sample quality on the features of a classifier of the training images (test accuracy {accuracy:P1}; not Inception's): Fréchet distance {fd:F2}, kernel distance {kd.Mean:F4} (sd {kd.StandardDeviation:F4}), precision {pr.Precision:F3}, recall {pr.Recall:F3}"));
        if (labels is not null)
        {
            run.Say(string.Create(CultureInfo.InvariantCulture, $"  samples the classifier gives the class they were drawn for: {features.Accuracy(samples, labels):P1} (10 % by chance)"));
        }
    }

    private static int RunRing(ExampleRun run)
    {
        // Here --epochs counts generator steps: the toy data is an endless stream.
        int steps = run.Epochs;
        var (objective, critic, spectral, objectiveName) = ChooseObjective(run);
        double lr = 1e-3, beta1 = 0.5;
        var spec = Adversarial.Gan(2, 2).Generator(Net.Mlp(64, 64)).Discriminator(Net.Mlp(64, 64));
        spec = spectral ? spec.WithSpectralNorm() : spec;

        run.Say(spec.ToString());
        run.Say($"objective: {objective}; {critic} critic step(s) per generator step");
        Gen.Seed.Everything(run.Seed);
        var pool = ToyData.Sample(ToySet.EightGaussians, 16384, run.Device, Gen.Seed.Generator(run.Seed));
        using var model = spec.Compile(run.Device, seed: run.Seed);
        using var generatorOptimizer = new FusedAdam(model.GeneratorParameters(), lr, beta1, 0.999);
        using var criticOptimizer = new FusedAdam(model.DiscriminatorParameters(), lr, beta1, 0.999);
        using var trainer = new GanTrainer(model, objective, critic, generatorOptimizer, criticOptimizer);
        using var random = Gen.Seed.Generator(run.Seed + 1);
        using var tensorBoard = run.OpenTensorBoard();
        var bar = new ProgressBar(run.Output, run.Example.Name, steps, run.Interactive);
        for (int step = 1; step <= steps; step++)
        {
            var round = trainer.Step(() => new GanBatch(pool.index_select(0, DeviceRandom.Integers(pool.shape[0], new long[] { 128 }, run.Device, random))), random);
            Log(tensorBoard, round, step);
            bar.Report(step, $"step {step}/{steps}");
        }

        model.eval();
        using var samples = model.Sample(run.Int("samples", 2500), Gen.Seed.Generator(run.Seed + 2));
        RingReport.Report(run, $"GAN ({objectiveName}), {steps} generator steps", samples, bar.Seconds);
        return 0;
    }

    // Both players' losses of a round, when --tensorboard is given.
    private static void Log(TensorBoardLog? log, GanStepResult round, int step)
    {
        log?.Scalar("loss/critic", round.DiscriminatorLoss, step);
        log?.Scalar("loss/generator", round.GeneratorLoss, step);
    }
}
