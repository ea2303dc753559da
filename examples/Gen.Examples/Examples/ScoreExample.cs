using System.Globalization;
using Gen.Dsl;
using Gen.Optimization;
using TorchSharp;

namespace Gen.Examples;

/// <summary>
/// A noise-conditional score network (Song and Ermon 2019) on the ring of eight Gaussians: s(x, σ) ≈ ∇ₓ log p_σ(x) for
/// ten noise levels, trained by denoising score matching, and sampled by annealed Langevin dynamics from the uniform
/// square.
/// </summary>
public static class ScoreExample
{
    /// <summary>The sub-command.</summary>
    public static Example Example { get; } = new(
        "score",
        "A noise-conditional score network on the 8-Gaussian ring, trained by denoising score matching over 10 noise levels and sampled by annealed Langevin dynamics: modes captured, high-quality share and MMD² of its samples.",
        30,
        new[]
        {
            new OptionSpec("levels", "N", "10", "noise levels, geometric from 2 to 0.05"),
            new OptionSpec("samples", "N", "2000", "chains for the picture and the measures (100 steps per level from the uniform square)"),
        },
        Run);

    private static int Run(ExampleRun run)
    {
        Gen.Seed.Everything(run.Seed);
        var data = RingReport.Training(run, 4096);
        var spec = Scores.NoiseConditional(2).WithLevels(2.0, 0.05, run.Int("levels", 10, minimum: 2));
        run.Say(spec.ToString());
        using var model = spec.Compile(run.Device, seed: run.Seed);
        using var noise = Gen.Seed.Generator(run.Seed + 1);
        using var adam = new FusedAdam(model.parameters(), 2e-3);
        using var tensorBoard = run.OpenTensorBoard();
        var trainer = new Trainer(model, adam, model.Loss(noise), new TrainingOptions { Epochs = run.Epochs, BatchSize = 128, Seed = run.Seed + 2 })
        {
            Callbacks = tensorBoard is null ? [] : [tensorBoard],
            Generators = [noise],
        };
        var result = ExampleTraining.Fit(run, trainer, data, run.Epochs, 128);
        model.eval();
        // Annealed Langevin chains from the uniform square [−4, 4]², 100 steps per level.
        var samples = model.Sample(run.Int("samples", 2000), stepsPerLevel: 100, epsilon: 5e-4, low: -4, high: 4, generator: Gen.Seed.Generator(run.Seed + 3));
        RingReport.Report(run, string.Create(CultureInfo.InvariantCulture, $"score network ({result.Steps} steps)"), samples, result.Elapsed.TotalSeconds);
        return 0;
    }
}
