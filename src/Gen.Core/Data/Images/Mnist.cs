using System;
using System.Collections.Generic;
using TorchSharp;

namespace Gen.Data;

/// <summary>
/// MNIST handwritten digits (LeCun, Cortes and Burges): 60000 training and 10000 test images of 28 × 28 pixels
/// with values 0..255, and their labels 0..9. Read from the <c>mnist</c> folder of the data directory
/// (<see cref="DataSource"/>); missing files are downloaded from
/// <c>https://ossci-datasets.s3.amazonaws.com/mnist/</c> (the mirror PyTorch uses), then the original
/// <c>http://yann.lecun.com/exdb/mnist/</c>, and verified against the sha256 of the decompressed files.
/// </summary>
public static class Mnist
{
    /// <summary>Height and width of an image.</summary>
    public const int Side = 28;

    /// <summary>Pixels per image (28 × 28).</summary>
    public const int Pixels = Side * Side;

    /// <summary>Largest pixel value.</summary>
    public const int MaxValue = 255;

    /// <summary>The official hosts, tried in order.</summary>
    public static IReadOnlyList<Uri> Origins { get; } = new[]
    {
        new Uri("https://ossci-datasets.s3.amazonaws.com/mnist/"),
        new Uri("http://yann.lecun.com/exdb/mnist/"),
    };

    private static readonly LabelledDigitFiles Files = new("mnist", Origins, new Dictionary<string, string>
    {
        ["train-images-idx3-ubyte"] = "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
        ["train-labels-idx1-ubyte"] = "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
        ["t10k-images-idx3-ubyte"] = "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
        ["t10k-labels-idx1-ubyte"] = "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    });

    /// <summary>The number of images in a split: 60000 or 10000.</summary>
    /// <param name="split">The split.</param>
    public static int Count(MnistSplit split) => LabelledDigitFiles.Count(split);

    /// <summary>
    /// Loads a split: images as float32 with the raw values 0..255, [n, 1, 28, 28] (or [n, 784] with
    /// <see cref="ImageLayout.Flat"/>), labels as int64 [n].
    /// </summary>
    /// <param name="split">Train or test.</param>
    /// <param name="device">Where the tensors live.</param>
    /// <param name="layout">Image or flat.</param>
    /// <param name="source">Data directory and download policy; null is <see cref="DataSource.Default"/>.</param>
    /// <exception cref="GenDataException">A file is missing and cannot be downloaded, or is corrupt, truncated or has the wrong checksum.</exception>
    public static LabelledImages Load(MnistSplit split, torch.Device device, ImageLayout layout = ImageLayout.Image, DataSource? source = null) =>
        Files.Load(split, device, layout, source);
}
