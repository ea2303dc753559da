using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using Gen.Data;
using Gen.Dsl;
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

    public static int Run(string[] args)
    {
        int epochs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 150;
        var device = Device.Cpu;
        Seed.Everything(0);

        var digits = Digits.Load(device);
        var split = DataSplit.Shuffled(digits.Images, testFraction: 0.2, seed: 0);
        var train = split.Train;
        var test = split.Test;

        const int d = Digits.Pixels;
        var spec = Flow.Over(Dist.StandardNormal(d))
            .Then(Bij.AffineCoupling(Mask.Alternating(d), Net.Mlp(256, 256)))
            .Then(Bij.Permute(seed: 1))
            .Repeat(6)
            .Then(Bij.Affine());
        Console.WriteLine(spec);

        using var model = spec.Compile(device, seed: 0);
        var optimizer = torch.optim.Adam(model.parameters(), lr: 1e-3);
        var noise = Seed.Generator(1);

        Console.WriteLine($"per-pixel histogram baseline: {HistogramBitsPerDim(train, test):F3} bits/dim on the test digits");
        Console.WriteLine($"untrained flow:               {BitsPerDim(model, test, noise):F3} bits/dim");

        var clock = Stopwatch.StartNew();
        long n = train.shape[0];
        const int batch = 128;
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            model.train();
            var perm = torch.randperm(n, generator: noise);
            for (long start = 0; start < n; start += batch)
            {
                using var scope = torch.NewDisposeScope();
                var idx = perm.narrow(0, start, Math.Min(batch, n - start));
                var loss = -LogLikelihood(model, train.index_select(0, idx), noise).mean();
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
            }

            if (epoch % 25 == 0 || epoch == epochs)
            {
                model.eval();
                Console.WriteLine($"epoch {epoch,4}: test {BitsPerDim(model, test, noise):F3} bits/dim  ({clock.Elapsed.TotalSeconds:F0} s)");
            }
        }

        Console.WriteLine("\nsamples (pixel intensity as characters):");
        using (torch.no_grad())
        {
            var z = model.Sample(8, Seed.Generator(2));
            var pixels = Preprocessing().Inverse(z).mul(Digits.MaxValue + 1).floor().clamp(0, Digits.MaxValue);
            Console.WriteLine(Render(pixels));
        }

        return 0;
    }

    /// <summary>log p(pixels) in nats per image, a lower bound on the discrete log-likelihood (dequantisation).</summary>
    public static torch.Tensor LogLikelihood(FlowModel model, torch.Tensor pixels, torch.Generator noise)
    {
        using var scope = torch.NewDisposeScope();
        // u = (v + U) / 17 has density 17^64 · p(v) on each unit cell, so log p(v) ≥ log p(u) − 64 log 17.
        var u = (pixels + torch.rand(pixels.shape, generator: noise)) / (Digits.MaxValue + 1);
        var logit = Preprocessing().ForwardAndLogDet(u);
        var logPu = model.LogProb(logit.Value) + logit.LogDet.sum(-1);
        return (logPu - (pixels.shape[1] * Math.Log(Digits.MaxValue + 1))).MoveToOuterDisposeScope();
    }

    /// <summary>Average test negative log-likelihood in bits per pixel.</summary>
    public static double BitsPerDim(FlowModel model, torch.Tensor pixels, torch.Generator noise)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        return -LogLikelihood(model, pixels, noise).mean().item<float>() / (pixels.shape[1] * Math.Log(2));
    }

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

    private static string Render(torch.Tensor images)
    {
        const string ramp = " .:-=+*#%@";
        var values = images.to(torch.float32).data<float>().ToArray();
        var count = (int)images.shape[0];
        var lines = new System.Text.StringBuilder();
        for (int row = 0; row < 8; row++)
        {
            for (int img = 0; img < count; img++)
            {
                for (int col = 0; col < 8; col++)
                {
                    var v = values[(img * 64) + (row * 8) + col] / Digits.MaxValue;
                    var c = ramp[(int)Math.Round(v * (ramp.Length - 1))];
                    lines.Append(c).Append(c);
                }

                lines.Append("   ");
            }

            lines.AppendLine();
        }

        return lines.ToString();
    }
}
