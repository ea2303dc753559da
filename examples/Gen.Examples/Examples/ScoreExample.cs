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
        var sigmas = AnnealedLangevin.Geometric(2.0, 0.05, run.Int("levels", 10, minimum: 2));
        var net = Net.Mlp(128, 128).WithActivation(Activation.Silu);
        run.Say($"score network: {net} over [x, log σ], divided by σ; {sigmas.Count} noise levels from 2 to 0.05");
        using var module = Gen.Seed.Building(run.Seed, () => net.Build(new long[] { 3 }, new long[] { 2 }));
        module.to(run.Device);
        // s(x, σ) = net([x, log σ]) / σ: the network sees the level, and the division gives the score its 1/σ scale.
        torch.Tensor Score(torch.Tensor x, torch.Tensor sigma) =>
            module.forward(torch.cat(new[] { x, sigma.log().unsqueeze(-1).expand(x.shape[0], 1) }, -1)) / sigma.unsqueeze(-1);

        using var noise = Gen.Seed.Generator(run.Seed + 1);
        using var adam = new FusedAdam(module.parameters(), 2e-3);
        using var tensorBoard = run.OpenTensorBoard();
        var trainer = new Trainer(module, adam, ScoreObjective.NoiseConditional(Score, sigmas, noise), new TrainingOptions { Epochs = run.Epochs, BatchSize = 128, Seed = run.Seed + 2 })
        {
            Callbacks = tensorBoard is null ? [] : [tensorBoard],
        };
        var result = ExampleTraining.Fit(run, trainer, data, run.Epochs, 128);
        module.eval();
        var start = (DeviceRandom.Uniform(new long[] { run.Int("samples", 2000), 2 }, torch.float32, run.Device, Gen.Seed.Generator(run.Seed + 3)) * 8) - 4;
        var samples = new AnnealedLangevin(sigmas, 100, 5e-4).Run((x, sigma) => Score(x, torch.full(new long[] { x.shape[0] }, sigma, dtype: x.dtype, device: x.device)), start, Gen.Seed.Generator(run.Seed + 4));
        RingReport.Report(run, string.Create(CultureInfo.InvariantCulture, $"score network ({result.Steps} steps)"), samples, result.Elapsed.TotalSeconds);
        return 0;
    }
}
