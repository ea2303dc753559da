using Gen.Data;
using Gen.Dsl;

namespace Gen.Examples;

/// <summary>MADE (Germain et al., 2015) on binarized MNIST: one masked network gives all 784 conditionals in one pass.</summary>
public static class MadeExample
{
    /// <summary>The sub-command.</summary>
    public static Example Example { get; } = new(
        "made",
        "MADE on binarized MNIST (the embedded 200-image sample, or the full set): held-out nats/image against independent pixels, samples, training curve.",
        60,
        new[]
        {
            BinaryImages.DataOption,
            new OptionSpec("hidden", "N", "500", "hidden units (one hidden layer)"),
            new OptionSpec("samples", "N", "36", "samples to draw for the picture"),
        },
        run => BinaryImages.Run(
            run, "MADE", ImageLayout.Flat, fullEpochs: 10, batchSize: 32,
            () =>
            {
                var spec = Autoregressive.Made(784, run.Int("hidden", 500));
                run.Say(spec.ToString());
                return spec.Compile(run.Device, seed: run.Seed);
            },
            (model, x) => model.LogProb(x),
            (model, count, generator) => model.Sample(count, generator)));
}
