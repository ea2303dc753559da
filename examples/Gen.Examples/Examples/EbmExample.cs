using System.Globalization;
using Gen.Dsl;
using Gen.Optimization;

namespace Gen.Examples;

/// <summary>
/// An energy-based model p(x) ∝ exp(−E(x)) on the ring of eight Gaussians, trained by persistent contrastive divergence
/// with a replay buffer (Du and Mordatch 2019) and sampled by Langevin chains from the uniform square.
/// </summary>
public static class EbmExample
{
    /// <summary>The sub-command.</summary>
    public static Example Example { get; } = new(
        "ebm",
        "An energy-based model on the 8-Gaussian ring, trained by contrastive divergence with Langevin chains from a replay buffer: modes captured, high-quality share and MMD² of its samples.",
        30,
        new[]
        {
            new OptionSpec("chain-steps", "N", "40", "Langevin steps per training batch"),
            new OptionSpec("samples", "N", "2000", "chains for the picture and the measures (500 Langevin steps from the uniform square)"),
        },
        Run);

    private static int Run(ExampleRun run)
    {
        Gen.Seed.Everything(run.Seed);
        var data = RingReport.Training(run, 4096);
        var spec = Energy.Over(2).WithNetwork(Net.Mlp(64, 64).WithActivation(Activation.Silu));
        run.Say(spec.ToString());
        using var model = spec.Compile(run.Device, seed: run.Seed);
        using var buffer = new ReplayBuffer(new long[] { 2 }, capacity: 4096, low: -4, high: 4);
        var cd = new ContrastiveDivergence(model.Energy, new LangevinSampler(0.01, run.Int("chain-steps", 40)), buffer, Regularization: 0.1);
        using var chains = Gen.Seed.Generator(run.Seed + 1);
        using var adam = new FusedAdam(model.parameters(), 1e-3, 0.0, 0.999);
        using var tensorBoard = run.OpenTensorBoard();
        var trainer = new Trainer(model, adam, x => cd.Loss(x, chains), new TrainingOptions { Epochs = run.Epochs, BatchSize = 128, Seed = run.Seed + 2 })
        {
            Callbacks = tensorBoard is null ? [] : [tensorBoard],
        };
        var result = ExampleTraining.Fit(run, trainer, data, run.Epochs, 128);
        model.eval();
        var samples = model.Sample(run.Int("samples", 2000), new LangevinSampler(0.01, 500), low: -4, high: 4, Gen.Seed.Generator(run.Seed + 3));
        RingReport.Report(run, string.Create(CultureInfo.InvariantCulture, $"EBM ({result.Steps} contrastive-divergence steps)"), samples, result.Elapsed.TotalSeconds);
        return 0;
    }
}
