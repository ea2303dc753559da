using System;
using System.Globalization;
using Gen.Data;
using Gen.Dsl;
using Gen.Plots;
using Gen.Probability;
using Gen.Probability.Bijectors;
using TorchSharp;

namespace Gen.Examples;

/// <summary>
/// Density estimation on real data with no download: a RealNVP flow on the 8x8 digits (pixel values 0..16).
/// Pixels are dequantised with uniform noise, scaled to (0, 1) and mapped through a logit, and every step's
/// log-determinant is counted, so the reported bits per dimension are those of the discrete pixels.
/// </summary>
public static class Quickstart
{
    private const double Lambda = 0.01; // keeps the logit away from 0 and 1, as in RealNVP

    /// <summary>The sub-command.</summary>
    public static Example Example { get; } = new(
        "quickstart",
        "RealNVP on the 8x8 digits shipped with Gen (no download): trains for 30 epochs (seconds on two idle cores), reports held-out bits/dim against a per-pixel baseline, writes samples and the training curve.",
        30,
        new[] { new OptionSpec("samples", "N", "64", "samples to draw for the picture") },
        Run);

    private static int Run(ExampleRun run)
    {
        int sampleCount = run.Int("samples", 64);
        var device = run.Device;
        Gen.Seed.Everything(run.Seed);

        var digits = Digits.Load(device);
        var split = DataSplit.Shuffled(digits.Images, testFraction: 0.2, seed: run.Seed);
        var train = split.Train;
        var test = split.Test;

        const int d = Digits.Pixels;
        var spec = Flow.Over(Dist.StandardNormal(d))
            .Then(Bij.AffineCoupling(Mask.Alternating(d), Net.Mlp(256, 256)))
            .Then(Bij.Permute(seed: 1))
            .Repeat(6)
            .Then(Bij.Affine());
        run.Say(spec.ToString());

        using var model = spec.Compile(device, seed: run.Seed);
        var noise = Gen.Seed.Generator(run.Seed + 2);
        var baseline = HistogramBitsPerDim(train, test);
        run.Say($"{train.shape[0]} training and {test.shape[0]} held-out digits; untrained flow: {BitsPerDim(model, test, noise):F3} bits/dim");

        var result = ExampleTraining.Run(
            run, run.Epochs, model, train, test, batchSize: 128, learningRate: 1e-3,
            batch => -LogLikelihood(model, batch, noise).mean() / (d * Math.Log(2)),
            x => -LogLikelihood(model, x, noise) / (d * Math.Log(2)),
            "bits/dim");

        run.Say(string.Create(CultureInfo.InvariantCulture,
            $"held-out: {result.FinalTest:F3} bits/dim ({result.Describe("RealNVP")}) vs {baseline:F3} bits/dim (per-pixel histogram baseline); lower is better"));

        using (torch.no_grad())
        {
            var z = model.Sample(sampleCount, Gen.Seed.Generator(run.Seed + 3));
            var samples = Preprocessing().Inverse(z).mul(Digits.MaxValue + 1).floor().clamp(0, Digits.MaxValue);
            var grid = new ImageGridOptions(Columns: 8, Padding: 2, Scale: 4, Low: 0, High: Digits.MaxValue);
            var real = ImageGrid.Render(test[..Math.Min(sampleCount, (int)test.shape[0])], grid);
            run.Save(Picture.Row(new[] { real, ImageGrid.Render(samples, grid) }, gap: 16), "samples.png");
            run.Say("  (left: held-out digits; right: samples from the flow)");
        }

        run.Save(TrainingCurves.Render(new[] { result.Train, result.Test }, CurveOptions.Default.WithLabels("epoch", "bits/dim").WithTitle("RealNVP on the 8x8 digits")), "curve.png");
        return 0;
    }

    /// <summary>log p(pixels) in nats per image, a lower bound on the discrete log-likelihood (dequantisation).</summary>
    public static torch.Tensor LogLikelihood(FlowModel model, torch.Tensor pixels, torch.Generator noise)
    {
        using var scope = torch.NewDisposeScope();
        // u = (v + U) / 17 has density 17^64 · p(v) on each unit cell, so log p(v) ≥ log p(u) − 64 log 17.
        var u = (pixels + DeviceRandom.Uniform(pixels.shape, pixels.dtype, pixels.device, noise)) / (Digits.MaxValue + 1);
        var logit = Preprocessing().ForwardAndLogDet(u);
        var logPu = model.LogProb(logit.Value) + logit.LogDet.sum(-1);
        return (logPu - (pixels.shape[1] * Math.Log(Digits.MaxValue + 1))).MoveToOuterDisposeScope();
    }

    /// <summary>Average held-out negative log-likelihood in bits per pixel.</summary>
    public static double BitsPerDim(FlowModel model, torch.Tensor pixels, torch.Generator noise) =>
        ExampleTraining.Mean(x => LogLikelihood(model, x, noise).neg(), pixels, pixels.device) / (pixels.shape[1] * Math.Log(2));

    // u ↦ logit(λ + (1 − 2λ)u), elementwise.
    private static IBijector Preprocessing() => BijectorExtensions.Chain(new IBijector[]
    {
        new ElementwiseAffine(torch.tensor((float)Lambda), torch.tensor((float)Math.Log(1 - (2 * Lambda)))),
        Elementwise.Sigmoid.Inverted(),
    });

    // Each pixel independently from its training histogram (add-one smoothing): a baseline a density model must beat.
    private static double HistogramBitsPerDim(torch.Tensor train, torch.Tensor test)
    {
        using var scope = torch.NewDisposeScope();
        var values = Digits.MaxValue + 1;
        var counts = torch.nn.functional.one_hot(train.to(torch.int64), values).sum(dim: 0).to(torch.float64) + 1; // [64, 17]
        var logp = (counts / counts.sum(-1, keepdim: true)).log();
        var testIdx = test.to(torch.int64);
        var ll = logp.gather(1, testIdx.t()).sum(); // logp[j, v] for each pixel j of each test image
        return -ll.item<double>() / (testIdx.numel() * Math.Log(2));
    }
}
