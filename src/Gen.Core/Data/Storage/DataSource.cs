using System;

namespace Gen.Data;

/// <summary>
/// Where a loader finds its files and what it does when they are missing.
/// </summary>
/// <param name="Directory">The data directory; null means <c>GEN_DATA_DIR</c>, else the per-user cache (see <see cref="DataDirectory.Resolve"/>).</param>
/// <param name="Download">Whether missing files are downloaded into the data directory (checksums verified, written atomically).</param>
/// <param name="Mirror">
/// A base address that replaces the official hosts: a file is fetched from this address plus its published
/// name (for example <c>train-images-idx3-ubyte.gz</c> or <c>binarized_mnist_test.amat</c>). Null uses the
/// official sources each loader documents.
/// </param>
public sealed record DataSource(string? Directory = null, bool Download = true, Uri? Mirror = null)
{
    /// <summary>
    /// The default <see cref="DownloadTimeout"/>: 30 minutes, enough for the largest file (binarized MNIST's training
    /// split, 78 MB as published) at 45 kB/s, and an end to a server that sends a byte now and then forever.
    /// </summary>
    public static readonly TimeSpan DefaultDownloadTimeout = TimeSpan.FromMinutes(30);

    private readonly TimeSpan downloadTimeout = DefaultDownloadTimeout;

    /// <summary>The default: <c>GEN_DATA_DIR</c> or the per-user cache, downloading missing files from the official hosts.</summary>
    public static DataSource Default { get; } = new();

    /// <summary>
    /// The longest one download of one file may take, from the request to the last byte, whatever the server does;
    /// past it the download fails with a <see cref="GenDataException"/> and nothing is saved. (Besides, a download
    /// fails when the server sends nothing for 60 s.) Default <see cref="DefaultDownloadTimeout"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public TimeSpan DownloadTimeout
    {
        get => downloadTimeout;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            downloadTimeout = value;
        }
    }

    /// <summary>Files in <paramref name="directory"/>, downloading missing ones from the official hosts.</summary>
    /// <param name="directory">The data directory.</param>
    public static DataSource At(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        return new DataSource(directory);
    }

    /// <summary>This source with another data directory (null: <c>GEN_DATA_DIR</c>, else the per-user cache).</summary>
    /// <param name="directory">The data directory.</param>
    public DataSource WithDirectory(string? directory) => this with { Directory = directory };

    /// <summary>This source with downloads of missing files allowed or not.</summary>
    /// <param name="download">Whether to download missing files.</param>
    public DataSource WithDownload(bool download) => this with { Download = download };

    /// <summary>This source fetching from <paramref name="mirror"/> instead of the official hosts (null: the official hosts).</summary>
    /// <param name="mirror">The base address.</param>
    public DataSource WithMirror(Uri? mirror) => this with { Mirror = mirror };

    /// <summary>This source with another limit on the time one download may take (see <see cref="DownloadTimeout"/>).</summary>
    /// <param name="timeout">The limit; positive.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is not positive.</exception>
    public DataSource WithDownloadTimeout(TimeSpan timeout) => this with { DownloadTimeout = timeout };

    /// <summary>The data directory this source reads, resolved as <see cref="DataDirectory.Resolve"/> does.</summary>
    public string ResolveDirectory() => DataDirectory.Resolve(Directory);
}
