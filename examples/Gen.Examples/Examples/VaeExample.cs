using System.Globalization;
using Gen.Data;
using Gen.Dsl;
using TorchSharp;

namespace Gen.Examples;

/// <summary>
/// A VAE (Kingma and Welling, 2014), or an IWAE (Burda et al., 2016) with --k above 1, on binarized MNIST: trained on
/// its bound, reported by the held-out bound and by the importance-sampled log-likelihood the papers report.
/// </summary>
public static class VaeExample
{
    /// <summary>The sub-command.</summary>
    public static Example Example { get; } = new(
        "vae",
        "VAE (or IWAE with --k > 1) on binarized MNIST: held-out ELBO and importance-sampled NLL against independent pixels, samples, training curve.",
        60,
        new[]
        {
            BinaryImages.DataOption,
            new OptionSpec("k", "N", "1", "importance samples in the training bound (1: the ELBO; more: the IWAE bound)"),
            new OptionSpec("latent", "N", "50", "latent dimensions"),
            new OptionSpec("hidden", "N", "200", "units in each of the two hidden layers of encoder and decoder"),
            new OptionSpec("eval-samples", "N", "500", "importance samples for the held-out log-likelihood"),
            new OptionSpec("samples", "N", "36", "samples to draw for the picture"),
        },
        Run);

    private static int Run(ExampleRun run)
    {
        Gen.Seed.Everything(run.Seed);
        var (train, test, full) = BinaryImages.Load(run, ImageLayout.Flat);
        int epochs = run.Has("epochs") || !full ? run.Epochs : 10;
        int k = run.Int("k", 1);
        int hidden = run.Int("hidden", 200);
        var spec = Latent.Vae(784, run.Int("latent", 50)).WithEncoder(Net.Mlp(hidden, hidden)).WithDecoder(Net.Mlp(hidden, hidden));
        if (k > 1)
        {
            spec = spec.WithObjective(LatentObjective.Iwae(k));
        }

        string name = k > 1 ? $"IWAE (k = {k})" : "VAE";
        run.Say(spec.ToString());
        using var model = spec.Compile(run.Device, seed: run.Seed);
        using var noise = Gen.Seed.Generator(run.Seed + 2);
        long step = 0;
        var result = ExampleTraining.Run(
            run, epochs, model, train, test, batchSize: 32, learningRate: 1e-3,
            batch => model.Loss(batch, step++, noise),
            x => model.Elbo(x, noise).neg(),
            "−ELBO nats/image");

        using var evalNoise = Gen.Seed.Generator(run.Seed + 4);
        int evalSamples = run.Int("eval-samples", 500);
        double nll = ExampleTraining.Mean(x => model.LogProb(x, samples: evalSamples, chunk: 100, generator: evalNoise).neg(), test, run.Device, chunk: 100);
        var samples = model.Sample(run.Int("samples", 36), Gen.Seed.Generator(run.Seed + 3));
        BinaryImages.Report(run, name, result, BinaryImages.IndependentPixelsNll(train, test), test, samples);
        run.Say(string.Create(CultureInfo.InvariantCulture, $"held-out NLL by importance sampling with {evalSamples} samples: {nll:F2} nats/image (the bound above is {result.FinalTest:F2})"));
        return 0;
    }
}
