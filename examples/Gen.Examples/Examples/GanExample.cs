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
        "GAN on the 8-Gaussian ring (--objective ns-sn | wgan-gp | hinge-sn | ns; --epochs counts generator steps): modes captured and high-quality share, data and samples.",
        4000,
        new[]
        {
            new OptionSpec("objective", "NAME", "ns-sn", "ns-sn: non-saturating, spectrally normalised critic; wgan-gp: Wasserstein with gradient penalty, 5 critic steps; hinge-sn; ns"),
            new OptionSpec("samples", "N", "2500", "samples for the coverage measure and the picture"),
        },
        Run);

    private static int Run(ExampleRun run)
    {
        // Here --epochs counts generator steps: the toy data is an endless stream.
        int steps = run.Epochs;
        string objectiveName = run.Choice("objective", "ns-sn", "wgan-gp", "hinge-sn", "ns");
        var spec = Adversarial.Gan(2, 2).Generator(Net.Mlp(64, 64)).Discriminator(Net.Mlp(64, 64));
        (AdversarialLoss objective, int critic, double lr, double beta1) = objectiveName switch
        {
            "wgan-gp" => (Objective.Wasserstein + 10 * Penalty.GradientPenalty, 5, 1e-3, 0.5),
            "hinge-sn" => (Objective.Hinge, 1, 1e-3, 0.5),
            "ns" => ((AdversarialLoss)Objective.NonSaturating, 1, 1e-3, 0.5),
            _ => (Objective.NonSaturating, 1, 1e-3, 0.5),
        };
        if (objectiveName.EndsWith("-sn", StringComparison.Ordinal))
        {
            spec = spec.WithSpectralNorm();
        }

        run.Say(spec.ToString());
        run.Say($"objective: {objective}; {critic} critic step(s) per generator step");
        Gen.Seed.Everything(run.Seed);
        var pool = ToyData.Sample(ToySet.EightGaussians, 16384, run.Device, Gen.Seed.Generator(run.Seed));
        using var model = spec.Compile(run.Device, seed: run.Seed);
        using var generatorOptimizer = new FusedAdam(model.GeneratorParameters(), lr, beta1, 0.999);
        using var criticOptimizer = new FusedAdam(model.DiscriminatorParameters(), lr, beta1, 0.999);
        using var trainer = new GanTrainer(model, objective, critic, generatorOptimizer, criticOptimizer);
        using var random = Gen.Seed.Generator(run.Seed + 1);
        var bar = new ProgressBar(run.Output, run.Example.Name, steps, run.Interactive);
        for (int step = 1; step <= steps; step++)
        {
            trainer.Step(() => new GanBatch(pool.index_select(0, DeviceRandom.Integers(pool.shape[0], new long[] { 128 }, run.Device, random))), random);
            bar.Report(step, $"step {step}/{steps}");
        }

        model.eval();
        using var samples = model.Sample(run.Int("samples", 2500), Gen.Seed.Generator(run.Seed + 2));
        var coverage = ModeCoverage.Measure(samples.cpu(), MixtureModes.Of(ToySet.EightGaussians));
        run.Say(string.Create(CultureInfo.InvariantCulture,
            $"GAN ({objectiveName}), {steps} generator steps, {bar.Seconds:F0} s: {coverage.ModesCaptured} of {coverage.Modes} modes captured, {100 * coverage.HighQualityShare:F1} % high-quality samples (within 3 standard deviations of a mode)"));

        var region = Region.Square(4);
        var options = ScatterOptions.Default.WithRegion(region).WithMarkerSize(2);
        var data = ScatterPlot.Points(pool.narrow(0, 0, samples.shape[0]).cpu(), options.WithTitle("data: 8 Gaussians"));
        var generated = ScatterPlot.Sets(new[] { new PointSet("samples", samples.cpu(), Rgb.Palette[1]) }, options.WithTitle($"GAN samples ({objectiveName})"));
        run.Save(Picture.Row(new[] { data, generated }), "samples.png");
        return 0;
    }
}
