using System;
using System.Collections.Generic;
using TorchSharp;

namespace Gen.Data;

/// <summary>
/// A data set in the MNIST file layout: 28 x 28 unsigned-byte images and labels 0..9, train and t10k, in one
/// folder of the data directory. MNIST and Fashion-MNIST are two instances.
/// </summary>
internal sealed class LabelledDigitFiles
{
    private const int Side = 28;
    private readonly string folder;
    private readonly IReadOnlyList<Uri> origins;
    private readonly IReadOnlyDictionary<string, string> sha256;

    /// <param name="folder">The folder in the data directory, for example "mnist".</param>
    /// <param name="origins">Base addresses publishing the four .gz files, tried in order.</param>
    /// <param name="sha256">Sha256 of the decompressed content, by file name (train-images-idx3-ubyte ...).</param>
    public LabelledDigitFiles(string folder, IReadOnlyList<Uri> origins, IReadOnlyDictionary<string, string> sha256)
    {
        this.folder = folder;
        this.origins = origins;
        this.sha256 = sha256;
    }

    public static int Count(MnistSplit split) => split switch
    {
        MnistSplit.Train => 60000,
        MnistSplit.Test => 10000,
        _ => throw new ArgumentOutOfRangeException(nameof(split), split, "Use MnistSplit.Train or MnistSplit.Test."),
    };

    public LabelledImages Load(MnistSplit split, torch.Device device, ImageLayout layout, DataSource? source)
    {
        ArgumentNullException.ThrowIfNull(device);
        var count = Count(split);
        var prefix = split == MnistSplit.Train ? "train" : "t10k";
        var images = DataStore.Read(File($"{prefix}-images-idx3-ubyte", count, Side, Side), source ?? DataSource.Default);
        var labels = DataStore.Read(File($"{prefix}-labels-idx1-ubyte", count), source ?? DataSource.Default);
        var labelTensor = ImageTensors.Labels(labels, device, classes: 10);
        return new LabelledImages(ImageTensors.Images(images, device, layout), labelTensor);
    }

    private DataFile File(string name, params int[] dimensions) =>
        new($"{folder}/{name}", sha256[name], name + ".gz", origins, dimensions);
}
