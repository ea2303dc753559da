using System;
using System.Linq;
using System.Text;
using Gen.Data;

namespace Gen.Core.Tests.Data.Support;

/// <summary>The embedded binarized MNIST sample in the forms a server may publish it.</summary>
internal static class Samples
{
    public const string Resource = "Gen.Data.binarized-mnist-test-sample-idx3-ubyte.gz";

    public const string Sha256 = "482fdf440d7febeee614409d1760aa21a46feb85f81f58d07a40c8a8e866edd0";

    /// <summary>The dimensions of the sample: 200 images of 28 x 28 pixels.</summary>
    public static readonly int[] Dimensions = { 200, 28, 28 };

    /// <summary>A declaration of the sample as a data file published as binarized MNIST text, at the given origins.</summary>
    public static DataFile File(params Uri[] origins) =>
        new("binarized-mnist/sample-idx3-ubyte", Sha256, "binarized_mnist_sample.amat", origins, Dimensions);

    /// <summary>The sample as stored: gzip-compressed IDX.</summary>
    public static byte[] GzipIdx() => EmbeddedData.Read(Resource);

    /// <summary>The sample in the published text form of binarized MNIST: one image a line, 784 values separated by spaces.</summary>
    public static byte[] AmatText()
    {
        var pixels = Gen.Data.Idx.Parse(GzipIdx(), Resource).Data.ToArray();
        var text = new StringBuilder();
        for (int image = 0; image < pixels.Length / 784; image++)
        {
            text.Append(string.Join(' ', pixels.Skip(image * 784).Take(784))).Append('\n');
        }

        return Encoding.ASCII.GetBytes(text.ToString());
    }
}
