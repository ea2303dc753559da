using System;
using System.Collections.Generic;
using TorchSharp;

namespace Gen.Data;

/// <summary>
/// The statically binarized MNIST of Larochelle and Murray (2011), the split used to report likelihoods by NADE,
/// MADE, IWAE and PixelCNN: 50000 training, 10000 validation and 10000 test images of 28 × 28 pixels that are
/// 0 or 1, without labels. Read from the <c>binarized-mnist</c> folder of the data directory
/// (<see cref="DataSource"/>); missing files are downloaded in their published text form from
/// <c>https://www.cs.toronto.edu/~larocheh/public/datasets/binarized_mnist/</c>
/// (<c>binarized_mnist_{train,valid,test}.amat</c>), converted to IDX, verified against the sha256 of the IDX
/// content and stored as <c>{train,valid,test}-images-idx3-ubyte.gz</c>.
/// A 200-image sample of the test split is embedded (<see cref="LoadSample"/>).
/// </summary>
public static class BinarizedMnist
{
    /// <summary>The number of images in the embedded sample.</summary>
    public const int SampleCount = 200;

    private const string SampleResource = "Gen.Data.binarized-mnist-test-sample-idx3-ubyte.gz";
    private const string SampleSha256 = "482fdf440d7febeee614409d1760aa21a46feb85f81f58d07a40c8a8e866edd0";

    /// <summary>The official host.</summary>
    public static IReadOnlyList<Uri> Origins { get; } = new[] { new Uri("https://www.cs.toronto.edu/~larocheh/public/datasets/binarized_mnist/") };

    private static readonly IReadOnlyDictionary<BinarizedMnistSplit, string> Sha256 = new Dictionary<BinarizedMnistSplit, string>
    {
        [BinarizedMnistSplit.Train] = "0eae7dff54784fdce12433da8ed5d8549d4676c91740d78aa0b18fa99a8b96f2",
        [BinarizedMnistSplit.Valid] = "1b017d51bf2733a6cbde62f26dd36be91c88ab4e95f8de9cdafadcb26fe9a852",
        [BinarizedMnistSplit.Test] = "491785121c5ff9ffb073809cd7c755a241b9e04052f1cf2ec7c9608a9346e097",
    };

    /// <summary>The number of images in a split: 50000, 10000 or 10000.</summary>
    /// <param name="split">The split.</param>
    public static int Count(BinarizedMnistSplit split) => split switch
    {
        BinarizedMnistSplit.Train => 50000,
        BinarizedMnistSplit.Valid or BinarizedMnistSplit.Test => 10000,
        _ => throw new ArgumentOutOfRangeException(nameof(split), split, "Use Train, Valid or Test."),
    };

    /// <summary>Loads a split: float32 pixels 0 or 1, [n, 1, 28, 28] (or [n, 784] with <see cref="ImageLayout.Flat"/>).</summary>
    /// <param name="split">Train, valid or test.</param>
    /// <param name="device">Where the tensor lives.</param>
    /// <param name="layout">Image or flat.</param>
    /// <param name="source">Data directory and download policy; null is <see cref="DataSource.Default"/>.</param>
    /// <exception cref="GenDataException">The file is missing and cannot be downloaded, or is corrupt, truncated or has the wrong checksum.</exception>
    public static torch.Tensor Load(BinarizedMnistSplit split, torch.Device device, ImageLayout layout = ImageLayout.Image, DataSource? source = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        var name = split.ToString().ToLowerInvariant();
        var file = new DataFile($"binarized-mnist/{name}-images-idx3-ubyte", Sha256[split], $"binarized_mnist_{name}.amat", Origins,
            new[] { Count(split), Mnist.Side, Mnist.Side });
        var array = DataStore.Read(file, source ?? DataSource.Default);
        ImageTensors.RequireBinary(array);
        return ImageTensors.Images(array, device, layout);
    }

    /// <summary>
    /// Loads the embedded sample: the 200 test images 0, 50, 100, ..., 9950 (the test split is sorted by class, so
    /// every digit appears), float32 pixels 0 or 1, [200, 1, 28, 28] (or [200, 784]). Needs no files.
    /// </summary>
    /// <param name="device">Where the tensor lives.</param>
    /// <param name="layout">Image or flat.</param>
    public static torch.Tensor LoadSample(torch.Device device, ImageLayout layout = ImageLayout.Image)
    {
        ArgumentNullException.ThrowIfNull(device);
        var array = Idx.Parse(EmbeddedData.Read(SampleResource), SampleResource);
        DataStore.RequireShape(array, new[] { SampleCount, Mnist.Side, Mnist.Side });
        Checksum.Require(array.Sha256, SampleSha256, SampleResource, "Gen.Core is damaged: reinstall it.");
        return ImageTensors.Images(array, device, layout);
    }
}
