using Gen.Data;
using Gen.Dsl;

namespace Gen.Examples;

/// <summary>NADE (Larochelle and Murray, 2011) on binarized MNIST: conditionals that share one hidden layer's weights.</summary>
public static class NadeExample
{
    /// <summary>The sub-command.</summary>
    public static Example Example { get; } = new(
        "nade",
        "NADE on binarized MNIST (the embedded 200-image sample, or the full set): held-out nats/image against independent pixels, samples, training curve.",
        100,
        new[]
        {
            BinaryImages.DataOption,
            new OptionSpec("hidden", "N", "100", "hidden units (the paper's 500 costs five times as much: training holds [batch, 784, hidden] tensors)"),
            new OptionSpec("samples", "N", "36", "samples to draw for the picture"),
        },
        run => BinaryImages.Run(
            run, "NADE", ImageLayout.Flat, fullEpochs: 10, batchSize: 32,
            () =>
            {
                var spec = Autoregressive.Nade(784, run.Int("hidden", 100));
                run.Say(spec.ToString());
                return spec.Compile(run.Device, seed: run.Seed);
            },
            (model, x) => model.LogProb(x),
            (model, count, generator) => model.Sample(count, generator)));
}
