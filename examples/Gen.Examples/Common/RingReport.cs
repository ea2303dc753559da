using System.Globalization;
using Gen.Data;
using Gen.Dsl;
using Gen.Plots;
using TorchSharp;

namespace Gen.Examples;

/// <summary>
/// The ring of eight Gaussians for the examples of the families beyond likelihoods (energies, moment matching, score
/// matching) and the GAN: training and held-out points, and one report of the samples: modes captured, high-quality
/// share, MMD² to held-out points beside that of a second sample of the data, improved precision and recall against the
/// held-out points (recall sees samples that hit every mode but fill only part of it), and a picture of data and samples.
/// </summary>
internal static class RingReport
{
    // Widths from within a mode (sd 0.1) to across the ring (radius 2).
    private static readonly Kernel Widths = Kernel.GaussianMixture(0.05, 0.2, 1, 4);

    /// <summary>Training points of the ring (seed <c>run.Seed</c>).</summary>
    public static torch.Tensor Training(ExampleRun run, int count) => ToyData.Sample(ToySet.EightGaussians, count, run.Device, Gen.Seed.Generator(run.Seed));

    /// <summary>Prints the line of results for <paramref name="samples"/> and writes <c>samples.png</c>.</summary>
    public static void Report(ExampleRun run, string model, torch.Tensor samples, double seconds)
    {
        using var scope = torch.NewDisposeScope();
        var drawn = samples.cpu().to(torch.float32);
        long n = drawn.shape[0];
        var heldOut = ToyData.Sample(ToySet.EightGaussians, (int)n, torch.CPU, Gen.Seed.Generator(run.Seed + 100));
        var another = ToyData.Sample(ToySet.EightGaussians, (int)n, torch.CPU, Gen.Seed.Generator(run.Seed + 101));
        var coverage = ModeCoverage.Measure(drawn, MixtureModes.Of(ToySet.EightGaussians));
        double mmd = Mmd.Unbiased(drawn, heldOut, Widths).item<float>();
        double floor = Mmd.Unbiased(another, heldOut, Widths).item<float>();
        var pr = PrecisionRecall.Measure(heldOut, drawn);
        var prFloor = PrecisionRecall.Measure(heldOut, another);
        run.Say(string.Create(CultureInfo.InvariantCulture,
            $"{model}, {seconds:F0} s: {coverage.ModesCaptured} of {coverage.Modes} modes captured, {100 * coverage.HighQualityShare:F1} % high-quality samples (within 3 standard deviations of a mode); MMD² to held-out points {mmd:F4} (a second sample of the data: {floor:F4}); precision {pr.Precision:F3}, recall {pr.Recall:F3} (a second sample of the data: {prFloor.Precision:F3}, {prFloor.Recall:F3})"));

        var options = ScatterOptions.Default.WithRegion(Region.Square(4)).WithMarkerSize(2);
        var data = ScatterPlot.Points(heldOut, options.WithTitle("data: 8 Gaussians"));
        var generated = ScatterPlot.Sets(new[] { new PointSet("samples", drawn, Rgb.Palette[1]) }, options.WithTitle(model));
        run.Save(Picture.Row(new[] { data, generated }), "samples.png");
    }
}
