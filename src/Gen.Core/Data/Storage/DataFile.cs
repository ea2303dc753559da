using System;
using System.Collections.Generic;

namespace Gen.Data;

/// <summary>One file of a data set: its place in the data directory, its checksum and where it is published.</summary>
/// <param name="RelativePath">Path in the data directory without ".gz", for example "mnist/t10k-images-idx3-ubyte".</param>
/// <param name="Sha256">The sha256 of the decompressed IDX content.</param>
/// <param name="RemoteName">The published file name, appended to each origin.</param>
/// <param name="Origins">Base addresses that publish the file, tried in order.</param>
/// <param name="Dimensions">The dimensions of its unsigned-byte IDX content, checked before the checksum so that a wrong file gets a precise message; null skips the check.</param>
internal sealed record DataFile(string RelativePath, string Sha256, string RemoteName, IReadOnlyList<Uri> Origins, int[]? Dimensions = null)
{
    /// <summary>The address of the file under a base address (which need not end in a slash).</summary>
    public Uri At(Uri origin)
    {
        var text = origin.AbsoluteUri;
        return new Uri(new Uri(text.EndsWith('/') ? text : text + "/"), RemoteName);
    }
}
