using System;
using System.Globalization;
using Gen.Data;
using Gen.Dsl;
using Gen.Optimization;
using Gen.Plots;
using TorchSharp;

namespace Gen.Examples;

/// <summary>
/// A joint energy model (JEM, Grathwohl et al. 2020) on the 8x8 digits: one network's logits are both a classifier
/// p(y | x) and an energy E(x) = −log Σ_y exp f(x)[y], trained on the classifier's cross-entropy plus contrastive
/// divergence with Langevin chains from a replay buffer. It reports held-out accuracy against the same network trained
/// on cross-entropy alone, and how close each network's energy's own samples come to held-out digits (MMD²), and draws
/// digits from the energy.
/// </summary>
public static class JemExample
{
    /// <summary>The sub-command.</summary>
    public static Example Example { get; } = new(
        "jem",
        "A joint energy model on the 8x8 digits: held-out accuracy against cross-entropy alone, how close each energy's samples come to held-out digits (MMD²), and digits sampled from the energy.",
        20,
        new[]
        {
            new OptionSpec("hidden", "N", "128", "units in each of the two hidden layers"),
            new OptionSpec("chain-steps", "N", "20", "Langevin steps per training batch"),
            new OptionSpec("samples", "N", "36", "digits to draw for the picture"),
        },
        Run);

    private static int Run(ExampleRun run)
    {
        int hidden = run.Int("hidden", 128);
        int chainSteps = run.Int("chain-steps", 20);
        int sampleCount = run.Int("samples", 36);
        var device = run.Device;
        Gen.Seed.Everything(run.Seed);

        var digits = Digits.Load(device);
        var x = (digits.Images.to(torch.float32) / 8) - 1; // [n, 64] in [−1, 1]
        using var order = Gen.Seed.Generator(run.Seed);
        var permutation = torch.randperm(x.shape[0], generator: order).to(device);
        long trainCount = (long)(x.shape[0] * 0.8);
        var (trainX, trainY) = (x.index_select(0, permutation[..(int)trainCount]), digits.Labels.index_select(0, permutation[..(int)trainCount]));
        var (testX, testY) = (x.index_select(0, permutation[(int)trainCount..]), digits.Labels.index_select(0, permutation[(int)trainCount..]));

        var spec = Energy.Over(Digits.Pixels).WithNetwork(Net.Mlp(hidden, hidden).WithActivation(Activation.Silu)).WithClasses(10);
        run.Say(spec.ToString());
        run.Say($"{trainCount} training and {testX.shape[0]} held-out digits");

        // JEM's sampler: a gradient step of 1 and noise 0.01 (Langevin at ε = 10⁻⁴, T = 5·10⁻⁵) from a replay buffer.
        var sampler = new LangevinSampler(1e-4, chainSteps) { Temperature = 5e-5 };
        var (jem, jemSeconds) = Train(run, spec, sampler, trainX, trainY, generativeWeight: 1);
        var (plain, plainSeconds) = Train(run, spec, sampler, trainX, trainY, generativeWeight: 0);
        using (jem)
        using (plain)
        {
            double jemAccuracy = Accuracy(jem, testX, testY);
            double plainAccuracy = Accuracy(plain, testX, testY);
            run.Say(string.Create(CultureInfo.InvariantCulture,
                $"held-out: {jemAccuracy:F3} accuracy (JEM, {run.Epochs} epochs, {jemSeconds:F0} s) vs {plainAccuracy:F3} (cross-entropy alone, {plainSeconds:F0} s); higher is better"));

            // How close each energy's own samples come to held-out digits: unbiased MMD² under Gaussian kernels of several
            // widths (pairs of digits lie about 6 apart in [−1, 1]^64), with uniform noise as the reference.
            var longRun = sampler with { Steps = 200 };
            var kernel = Kernel.GaussianMixture(2, 4, 8);
            long n = testX.shape[0];
            var jemDrawn = jem.Sample(n, longRun, generator: Gen.Seed.Generator(run.Seed + 5));
            var plainDrawn = plain.Sample(n, longRun, generator: Gen.Seed.Generator(run.Seed + 5));
            var noise = (DeviceRandom.Uniform(testX.shape, torch.float32, device, Gen.Seed.Generator(run.Seed + 4)) * 2) - 1;
            double Distance(torch.Tensor samples)
            {
                using var scope = torch.NewDisposeScope();
                return Mmd.Unbiased(samples.clamp(-1, 1), testX, kernel).item<float>();
            }

            run.Say(string.Create(CultureInfo.InvariantCulture,
                $"MMD² of 200-step Langevin samples to held-out digits: JEM {Distance(jemDrawn):F4}, cross-entropy alone {Distance(plainDrawn):F4}, uniform noise {Distance(noise):F4}; lower is better"));

            using var noGrad = torch.no_grad();
            var grid = new ImageGridOptions(Columns: 6, Padding: 2, Scale: 4, Low: -1, High: 1);
            var real = ImageGrid.Render(testX[..Math.Min(sampleCount, (int)n)].reshape(-1, 1, 8, 8).cpu(), grid);
            var drawn = jemDrawn[..Math.Min(sampleCount, (int)n)].clamp(-1, 1).reshape(-1, 1, 8, 8).cpu();
            run.Save(Picture.Row(new[] { real, ImageGrid.Render(drawn, grid) }, gap: 16), "samples.png");
            run.Say("  (left: held-out digits; right: 200 Langevin steps on the JEM energy from uniform noise)");
        }

        return 0;
    }

    private static (EnergyModel Model, double Seconds) Train(ExampleRun run, EnergySpec spec, McmcSampler sampler, torch.Tensor x, torch.Tensor y, double generativeWeight)
    {
        var model = spec.Compile(run.Device, seed: run.Seed);
        using var buffer = new ReplayBuffer(new long[] { Digits.Pixels }, capacity: 2000, low: -1, high: 1);
        var objective = new JointEnergy(model, new ContrastiveDivergence(model.Energy, sampler, buffer, Regularization: 0.1), generativeWeight);
        using var chains = Gen.Seed.Generator(run.Seed + 2);
        using var adam = new FusedAdam(model.parameters(), 1e-3);
        using var tensorBoard = generativeWeight > 0 ? run.OpenTensorBoard() : null;
        // The trainer shuffles example indices; the loss reads the images and labels they point at.
        var trainer = new Trainer(model, adam, batch => objective.Loss(x.index_select(0, batch), y.index_select(0, batch), chains),
            new TrainingOptions { Epochs = run.Epochs, BatchSize = 64, Seed = run.Seed + 3, ProgressEvery = 1000 })
        {
            Callbacks = tensorBoard is null ? [] : [tensorBoard],
        };
        var result = trainer.Fit(torch.arange(x.shape[0], device: x.device));
        model.eval();
        return (model, result.Elapsed.TotalSeconds);
    }

    private static double Accuracy(EnergyModel model, torch.Tensor x, torch.Tensor y)
    {
        using var scope = torch.NewDisposeScope();
        return model.Classify(x).eq(y).to(torch.float64).mean().item<double>();
    }

}
