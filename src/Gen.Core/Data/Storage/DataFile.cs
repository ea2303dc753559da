using System;
using System.Collections.Generic;
using System.Linq;

namespace Gen.Data;

/// <summary>
/// One file of a data set: its place in the data directory, its checksum, where it is published, and the dimensions
/// of its content, which bound every size Gen accepts for it (<see cref="ContentLimit"/>, <see cref="DownloadLimit"/>).
/// </summary>
/// <param name="RelativePath">Path in the data directory without ".gz", for example "mnist/t10k-images-idx3-ubyte".</param>
/// <param name="Sha256">The sha256 of the decompressed IDX content.</param>
/// <param name="RemoteName">The published file name, appended to each origin; a name ending in ".amat" is published as text.</param>
/// <param name="Origins">Base addresses that publish the file, tried in order.</param>
/// <param name="Dimensions">The dimensions of its unsigned-byte IDX content, checked before the checksum so that a wrong file gets a precise message.</param>
internal sealed record DataFile(string RelativePath, string Sha256, string RemoteName, IReadOnlyList<Uri> Origins, int[] Dimensions)
{
    /// <summary>
    /// Headroom of a compressed copy over its content: zlib's worst case (incompressible data with a small window) adds
    /// about 14 %; a quarter leaves room for any compressor, plus 64 KiB for gzip headers and file names.
    /// </summary>
    private const long CompressionSlack = 64 * 1024;

    /// <summary>The size of the IDX content: the header (magic number and one 32-bit size a dimension) and one byte an element.</summary>
    public long IdxBytes => 4 + (4L * Dimensions.Length) + Elements;

    /// <summary>Whether the file is published in the text form of binarized MNIST (.amat) rather than as IDX.</summary>
    public bool PublishedAsText => RemoteName.EndsWith(".amat", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The most bytes the decompressed content of a download may have: the IDX size, or for a file published as text
    /// three bytes a value (the published text takes two, a digit and a space or a line end; a third allows other
    /// line ends and doubled spaces). Decompression stops past it, so a small gzip that expands without end costs
    /// no more memory than the real file.
    /// </summary>
    public long ContentLimit => PublishedAsText ? Math.Max(IdxBytes, 3 * Elements) : IdxBytes;

    /// <summary>The most bytes a download may transfer: <see cref="ContentLimit"/> plus room for gzip's worst-case expansion.</summary>
    public long DownloadLimit => WithCompressionSlack(ContentLimit);

    /// <summary>The most bytes the stored file (gzip-compressed or raw IDX) may take on disk.</summary>
    public long StoredLimit => WithCompressionSlack(IdxBytes);

    /// <summary>
    /// What the declaration allows, for messages: "200 x 28 x 28 unsigned bytes, 156816 bytes as IDX", and with
    /// <paramref name="published"/> the text form's limit too where the file is published as text.
    /// </summary>
    public string Describe(bool published) =>
        $"{string.Join(" x ", Dimensions)} unsigned bytes, {IdxBytes} bytes as IDX" +
        (published && PublishedAsText ? $" or at most {3 * Elements} as published text" : string.Empty);

    /// <summary>The address of the file under a base address (which need not end in a slash).</summary>
    public Uri At(Uri origin)
    {
        var text = origin.AbsoluteUri;
        return new Uri(new Uri(text.EndsWith('/') ? text : text + "/"), RemoteName);
    }

    private long Elements => Dimensions.Aggregate(1L, (product, d) => checked(product * d));

    private static long WithCompressionSlack(long content) => content + (content / 4) + CompressionSlack;
}
