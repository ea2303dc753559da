using System.Globalization;
using Gen.Dsl;
using Gen.Optimization;

namespace Gen.Examples;

/// <summary>
/// A generative moment-matching network (Li et al. 2015) on the ring of eight Gaussians: a generator network trained
/// by the squared maximum mean discrepancy between its samples and the data, under Gaussian kernels of several widths.
/// </summary>
public static class GmmnExample
{
    /// <summary>The sub-command.</summary>
    public static Example Example { get; } = new(
        "gmmn",
        "A generative moment-matching network on the 8-Gaussian ring, trained by MMD² under Gaussian kernels of four widths: modes captured, high-quality share and MMD² of its samples.",
        40,
        new[] { new OptionSpec("samples", "N", "2000", "samples for the picture and the measures") },
        Run);

    private static int Run(ExampleRun run)
    {
        Gen.Seed.Everything(run.Seed);
        var data = RingReport.Training(run, 4096);
        // A GAN's generator network, trained by moment matching alone (its discriminator is not used).
        var spec = Adversarial.Gan(latent: 4, data: 2).Generator(Net.Mlp(64, 64));
        run.Say(spec.ToString().Split('\n')[0] + "; trained by MMD² alone");
        using var model = spec.Compile(run.Device, seed: run.Seed);
        var kernel = Kernel.GaussianMixture(0.05, 0.2, 1, 4);
        run.Say($"kernel: {kernel}");
        using var draws = Gen.Seed.Generator(run.Seed + 1);
        using var adam = new FusedAdam(model.GeneratorParameters(), 2e-3);
        using var tensorBoard = run.OpenTensorBoard();
        var trainer = new Trainer(model, adam, Mmd.Loss(model, kernel, generator: draws), new TrainingOptions { Epochs = run.Epochs, BatchSize = 256, Seed = run.Seed + 2 })
        {
            Callbacks = tensorBoard is null ? [] : [tensorBoard],
        };
        var result = ExampleTraining.Fit(run, trainer, data, run.Epochs, 256);
        model.eval();
        var samples = model.Sample(run.Int("samples", 2000), Gen.Seed.Generator(run.Seed + 3));
        RingReport.Report(run, string.Create(CultureInfo.InvariantCulture, $"GMMN ({result.Steps} steps)"), samples, result.Elapsed.TotalSeconds);
        return 0;
    }
}
