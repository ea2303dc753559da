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
        "GAN on the 8-Gaussian ring or on MNIST (--data ring|mnist; --objective ns-sn | wgan-gp | hinge-sn | ns; --epochs counts generator steps): modes captured and high-quality share on the ring, sample grids on MNIST.",
        4000,
        new[]
        {
            new OptionSpec("objective", "NAME", "ns-sn", "ns-sn: non-saturating, spectrally normalised critic; wgan-gp: Wasserstein with gradient penalty, 5 critic steps; hinge-sn; ns"),
            new OptionSpec("data", "ring|mnist", "ring", "ring: 8 Gaussians; mnist: MNIST digits (the full training set with --data-dir or GEN_DATA_DIR, else the embedded 200-image binarized sample)"),
            new OptionSpec("samples", "N", "2500", "samples for the coverage measure and the picture (36 for MNIST)"),
        },
        Run);

    private static int Run(ExampleRun run)
    {
        return run.Choice("data", "ring", "mnist") == "mnist" ? RunMnist(run) : RunRing(run);
    }

    private static (AdversarialLoss Objective, int CriticSteps, bool SpectralNorm, string Name) ChooseObjective(ExampleRun run)
    {
        string name = run.Choice("objective", "ns-sn", "wgan-gp", "hinge-sn", "ns");
        return name switch
        {
            "wgan-gp" => (Objective.Wasserstein + 10 * Penalty.GradientPenalty, 5, false, name),
            "hinge-sn" => (Objective.Hinge, 1, true, name),
            "ns" => (Objective.NonSaturating, 1, false, name),
            _ => (Objective.NonSaturating, 1, true, name),
        };
    }

    // MNIST scaled to [−1, 1], an MLP generator and critic; the picture shows real digits beside samples.
    private static int RunMnist(ExampleRun run)
    {
        int steps = run.Epochs;
        var (objective, critic, spectral, objectiveName) = ChooseObjective(run);
        Gen.Seed.Everything(run.Seed);
        var images = run.FullDataAvailable
            ? Mnist.Load(MnistSplit.Train, run.Device, ImageLayout.Flat, run.DataSource).Images / 255f
            : BinarizedMnist.LoadSample(run.Device, ImageLayout.Flat);
        run.Say($"MNIST: {images.shape[0]} training images" + (run.FullDataAvailable ? "" : " (the embedded binarized sample; set --data-dir for the full set)"));
        var data = images * 2 - 1;
        var spec = Adversarial.Gan(64, 784).Generator(Net.Mlp(256, 256)).Discriminator(Net.Mlp(256, 256));
        spec = spectral ? spec.WithSpectralNorm() : spec;
        run.Say(spec.ToString());
        using var model = spec.Compile(run.Device, seed: run.Seed);
        using var generatorOptimizer = new FusedAdam(model.GeneratorParameters(), 2e-4, 0.5, 0.999);
        using var criticOptimizer = new FusedAdam(model.DiscriminatorParameters(), 2e-4, 0.5, 0.999);
        using var trainer = new GanTrainer(model, objective, critic, generatorOptimizer, criticOptimizer);
        using var random = Gen.Seed.Generator(run.Seed + 1);
        using var tensorBoard = run.OpenTensorBoard();
        var bar = new ProgressBar(run.Output, run.Example.Name, steps, run.Interactive);
        GanStepResult last = default;
        for (int step = 1; step <= steps; step++)
        {
            last = trainer.Step(() => new GanBatch(data.index_select(0, DeviceRandom.Integers(data.shape[0], new long[] { 64 }, run.Device, random))), random);
            Log(tensorBoard, last, step);
            bar.Report(step, string.Create(CultureInfo.InvariantCulture, $"step {step}/{steps}  critic {last.DiscriminatorLoss:F3}  generator {last.GeneratorLoss:F3}"));
        }

        model.eval();
        int count = run.Has("samples") ? run.Int("samples", 36) : 36;
        using var samples = ((model.Sample(count, Gen.Seed.Generator(run.Seed + 2)) + 1) / 2).clamp(0, 1).cpu();
        var real = images.narrow(0, 0, Math.Min(count, (int)images.shape[0])).cpu();
        run.Say(string.Create(CultureInfo.InvariantCulture,
            $"GAN ({objectiveName}) on MNIST, {steps} generator steps, {bar.Seconds:F0} s: final critic loss {last.DiscriminatorLoss:F3}, generator loss {last.GeneratorLoss:F3}; mean intensity of samples {samples.mean().item<float>():F3}, of the data {images.mean().item<float>():F3}"));
        var grid = ImageGridOptions.Default.WithSide(28);
        run.Save(Picture.Row(new[] { ImageGrid.Render(real, grid), ImageGrid.Render(samples, grid) }, gap: 16), "samples.png");
        run.Say("  (left: training images; right: samples from the generator)");
        return 0;
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
