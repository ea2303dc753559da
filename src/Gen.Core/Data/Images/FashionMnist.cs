using System;
using System.Collections.Generic;
using TorchSharp;

namespace Gen.Data;

/// <summary>
/// Fashion-MNIST (Xiao, Rasul and Vollgraf, Zalando Research; MIT licence): 60000 training and 10000 test images of
/// clothing, 28 × 28 pixels with values 0..255, labels 0..9 (<see cref="ClassNames"/>). Read from the
/// <c>fashion-mnist</c> folder of the data directory (<see cref="DataSource"/>); missing files are downloaded from
/// <c>http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/</c> and verified against the sha256 of the
/// decompressed files.
/// </summary>
public static class FashionMnist
{
    /// <summary>The official host.</summary>
    public static IReadOnlyList<Uri> Origins { get; } = new[] { new Uri("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/") };

    /// <summary>The name of each label, by label.</summary>
    public static IReadOnlyList<string> ClassNames { get; } = new[]
    {
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    };

    private static readonly LabelledDigitFiles Files = new("fashion-mnist", Origins, new Dictionary<string, string>
    {
        ["train-images-idx3-ubyte"] = "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
        ["train-labels-idx1-ubyte"] = "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
        ["t10k-images-idx3-ubyte"] = "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
        ["t10k-labels-idx1-ubyte"] = "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
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
