using Gen.Data;
using Gen.Dsl;

namespace Gen.Examples;

/// <summary>PixelCNN (van den Oord et al., 2016) on binarized MNIST: masked convolutions, exact likelihood, pixel-by-pixel sampling.</summary>
public static class PixelCnnExample
{
    /// <summary>The sub-command.</summary>
    public static Example Example { get; } = new(
        "pixelcnn",
        "A small PixelCNN on binarized MNIST (the embedded 200-image sample, or the full set): held-out nats/image against independent pixels, samples, training curve.",
        20,
        new[]
        {
            BinaryImages.DataOption,
            new OptionSpec("filters", "N", "32", "features between layers"),
            new OptionSpec("blocks", "N", "2", "residual blocks"),
            new OptionSpec("samples", "N", "36", "samples to draw for the picture (each pixel is one network pass over all of them)"),
        },
        run => BinaryImages.Run(
            run, "PixelCNN", ImageLayout.Image, fullEpochs: 2, batchSize: 16,
            () =>
            {
                var spec = Autoregressive.PixelCnn(1, 28, 28).WithFilters(run.Int("filters", 32)).WithResidualBlocks(run.Int("blocks", 2, minimum: 0));
                run.Say(spec.ToString());
                var model = spec.Compile(run.Device, seed: run.Seed);
                model.CheckValues = false; // the data are binary by construction: skip the per-batch device read-back
                return model;
            },
            (model, x) => model.LogProb(x),
            (model, count, generator) => model.Sample(count, generator)));
}
