using System;
using System.Globalization;
using System.IO;
using System.Linq;
using Gen.Runtime;
using TorchSharp;

namespace Gen.Data;

/// <summary>
/// The 8x8 optical digits (UCI optdigits test set as shipped by scikit-learn): 1797 images of 64 pixels with
/// values 0..16, and their labels. Embedded in Gen.Core, so it needs no download.
/// </summary>
public static class Digits
{
    /// <summary>Number of images.</summary>
    public const int Count = 1797;

    /// <summary>Pixels per image (8 × 8).</summary>
    public const int Pixels = 64;

    /// <summary>Largest pixel value.</summary>
    public const int MaxValue = 16;

    private const string ResourceName = "Gen.Data.digits.csv.gz";
    private const string Sha256 = "6ebb3d2fee246a4e99363262ddf8a00a3c41bee6014c373ed9d9216ba7f651b8";

    /// <summary>
    /// Loads the digits: images as float32 of shape [1797, 64] with the raw values 0..16, labels as int64 [1797].
    /// </summary>
    /// <param name="device">Where the tensors live.</param>
    public static LabelledImages Load(torch.Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        GenRuntime.EnsureLoaded();
        var bytes = Gzip.DecompressIfGzip(EmbeddedData.Read(ResourceName), ResourceName).Content;
        Checksum.Require(Checksum.Sha256(bytes), Sha256, ResourceName, "Gen.Core is damaged: reinstall it.");

        return Parse(System.Text.Encoding.ASCII.GetString(bytes), device);
    }

    internal static LabelledImages Parse(string csv, torch.Device device)
    {
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length != Count)
        {
            throw new InvalidDataException($"digits.csv: expected {Count} rows, found {lines.Length}.");
        }

        var pixels = new float[Count * Pixels];
        var labels = new long[Count];
        for (int row = 0; row < Count; row++)
        {
            var fields = lines[row].Split(',');
            if (fields.Length != Pixels + 1)
            {
                throw new InvalidDataException($"digits.csv row {row + 1}: expected {Pixels + 1} fields, found {fields.Length}.");
            }

            for (int j = 0; j < Pixels; j++)
            {
                pixels[(row * Pixels) + j] = int.Parse(fields[j], CultureInfo.InvariantCulture);
            }

            labels[row] = int.Parse(fields[Pixels], CultureInfo.InvariantCulture);
        }

        if (pixels.Any(p => p < 0 || p > MaxValue) || labels.Any(l => l < 0 || l > 9))
        {
            throw new InvalidDataException("digits.csv: a pixel lies outside 0..16 or a label outside 0..9.");
        }

        return new LabelledImages(
            torch.tensor(pixels, new long[] { Count, Pixels }, device: device),
            torch.tensor(labels, device: device));
    }
}
