using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace Gen.Data;

/// <summary>Finds data files in the data directory and downloads the missing ones.</summary>
internal static class DataStore
{
    /// <summary>
    /// The path of <paramref name="file"/> in the data directory of <paramref name="source"/> (<c>name.gz</c>, else
    /// <c>name</c>), downloading it to <c>name.gz</c> when it is missing and downloads are allowed.
    /// </summary>
    /// <exception cref="GenDataException">The file is missing and cannot be downloaded; the message lists each address tried and why it failed.</exception>
    public static string Locate(DataFile file, DataSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var directory = source.ResolveDirectory();
        var compressed = Path.Combine(directory, file.RelativePath + ".gz");
        foreach (var candidate in new[] { compressed, Path.Combine(directory, file.RelativePath) })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        // The file as published, put beside where Gen keeps it (binarized MNIST's binarized_mnist_train.amat in
        // binarized-mnist/, for example): converted and verified once, as a download would be.
        var published = Path.Combine(Path.GetDirectoryName(Path.Combine(directory, file.RelativePath))!, file.RemoteName);
        if (File.Exists(published) && !published.Equals(compressed, StringComparison.Ordinal))
        {
            Downloader.Fetch(new Uri(Path.GetFullPath(published)), compressed, file);
            return compressed;
        }

        var help = $"Put the file there ({file.RelativePath}.gz, or uncompressed, or as published: {Path.GetFileName(published)}), " +
                   $"set {DataDirectory.EnvironmentVariable} to a directory with that layout, or pass a directory.";
        if (!source.Download)
        {
            throw new GenDataException($"{compressed}: not found, and downloads are turned off. {help}", compressed);
        }

        var failures = new List<string>();
        foreach (var origin in source.Mirror is null ? file.Origins : new[] { source.Mirror })
        {
            try
            {
                Downloader.Fetch(file.At(origin), compressed, file, source.DownloadTimeout);
                return compressed;
            }
            catch (GenDataException e)
            {
                failures.Add(e.Message);
            }
        }

        throw new GenDataException(
            $"{compressed}: not found, and downloading it failed:{string.Concat(failures.Select(f => Environment.NewLine + "  - " + f))}" +
            $"{Environment.NewLine}If this machine is offline or the hosts refuse: {help}",
            compressed);
    }

    /// <summary>Throws unless <paramref name="array"/> holds unsigned bytes with the given dimensions.</summary>
    public static void RequireShape(IdxArray array, int[] dimensions)
    {
        var magic = ((int)IdxElementType.UnsignedByte << 8) | dimensions.Length;
        if (array.Magic != magic)
        {
            throw new GenDataException(
                $"{array.Source}: magic number 0x{array.Magic:X8} ({Idx.Describe(array.ElementType)}, rank {array.Dimensions.Count}), " +
                $"expected 0x{magic:X8} (unsigned bytes, rank {dimensions.Length}: {string.Join(" x ", dimensions)}).",
                array.Source);
        }

        if (!array.Dimensions.SequenceEqual(dimensions))
        {
            throw new GenDataException(
                $"{array.Source}: dimensions {array.DimensionsText}, expected {string.Join(" x ", dimensions)}.", array.Source);
        }
    }

    /// <summary>
    /// Reads <paramref name="file"/> (downloading it if needed), validates it as IDX, checks its magic number and
    /// dimensions, then its sha256. A stored file larger than the declaration allows is refused before it is read, and
    /// one that decompresses to more is refused as soon as it does.
    /// </summary>
    public static IdxArray Read(DataFile file, DataSource source)
    {
        var path = Locate(file, source);
        var array = Idx.ParseBounded(ReadStored(path, file), path, file.IdxBytes, $", more than {file.RelativePath} can hold ({file.Describe(published: false)})");
        RequireShape(array, file.Dimensions);
        Checksum.Require(array.Sha256, file.Sha256, path,
            "Delete the file to have it downloaded again, or replace it with a good copy.");
        return array;
    }

    private static byte[] ReadStored(string path, DataFile file)
    {
        // A FIFO would wait for a writer for ever (its length reads 0 until then), and a device never ends.
        if (Gen.Runtime.FileKind.NotRegular(path) is { } kind)
        {
            throw new GenDataException(
                $"{path}: {kind}, not a regular file, stands where {file.RelativePath} should be; remove it to have the file downloaded again, or put a good copy there.",
                path);
        }

        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            if (stream.Length > file.StoredLimit)
            {
                throw new GenDataException(
                    $"{path}: {stream.Length} bytes, more than the {file.StoredLimit} that {file.RelativePath} can take gzip-compressed " +
                    $"or raw ({file.Describe(published: false)}); it is not this file. Delete it to have it downloaded again, or replace it with a good copy.",
                    path);
            }

            var bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
            return bytes;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not GenDataException)
        {
            throw new GenDataException($"{path}: cannot read the file: {e.Message}", path, e);
        }
    }
}
