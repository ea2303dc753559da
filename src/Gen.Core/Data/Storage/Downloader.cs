using System;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace Gen.Data;

/// <summary>
/// Downloads one data file, verifies the sha256 of its decompressed IDX content and only then gives it its final
/// name, by rename: a reader sees either no file or a complete, verified one, never a half-written file. Every
/// download is bounded by the file's declaration: no more bytes than <see cref="DataFile.DownloadLimit"/> are
/// received (whatever Content-Length says, or without one), no more than <see cref="DataFile.ContentLimit"/> are
/// decompressed, and the whole transfer ends within the caller's deadline.
/// </summary>
internal static class Downloader
{
    /// <summary>How long a connection may stay silent (before the headers, or between two reads of the body).</summary>
    internal static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(60);

    private const string PartSuffix = ".part";

    private static readonly Lazy<HttpClient> SharedClient = new(() =>
    {
        // No automatic decompression: a .gz file must arrive byte for byte as published.
        var handler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(30), AutomaticDecompression = System.Net.DecompressionMethods.None };
        var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.UserAgent.ParseAdd("Gen.Data/1.0");
        return client;
    });

    /// <summary>
    /// Downloads <paramref name="url"/> to <paramref name="destination"/> (stored as gzip-compressed IDX) after checking
    /// that its IDX content has the sha256 of <paramref name="file"/>. The content may be gzip-compressed or raw IDX,
    /// or binarized MNIST in its published text form (converted to IDX).
    /// </summary>
    /// <param name="url">The address, or a local file as published.</param>
    /// <param name="destination">Where the verified file goes.</param>
    /// <param name="file">The declaration: checksum and the sizes it allows.</param>
    /// <param name="deadline">The longest the transfer may take; null is <see cref="DataSource.DefaultDownloadTimeout"/>.</param>
    /// <exception cref="GenDataException">
    /// The server cannot be reached or answers with an error, the transfer is cut short, exceeds a size the declaration
    /// allows or the deadline, or the checksum differs. Nothing is saved then.
    /// </exception>
    public static void Fetch(Uri url, string destination, DataFile file, TimeSpan? deadline = null)
    {
        // Blocking here is safe: the HTTP stack and FetchAsync never resume on a captured context.
        FetchAsync(url, destination, file, deadline ?? DataSource.DefaultDownloadTimeout).GetAwaiter().GetResult();
    }

    private static async Task FetchAsync(Uri url, string destination, DataFile file, TimeSpan deadline)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(destination))!;
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GenDataException($"{destination}: cannot create the folder {folder} to download {url} into: {e.Message}", destination, e);
        }

        RemoveAbandonedParts(folder, Path.GetFileName(destination));

        // A name of its own for each download, so that two downloads of one file (threads or processes) never write
        // into each other; the other's file is replaced whole by the rename at the end.
        var temp = Path.Combine(folder, $".{Path.GetFileName(destination)}.{Environment.ProcessId}.{Guid.NewGuid():N}{PartSuffix}");
        FileStream? part = null;
        try
        {
            // Held open, and so locked (FileShare.None takes an flock on Unix), until renamed or deleted: that lock is
            // what tells RemoveAbandonedParts in another process that this file is in use.
            part = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
            await DownloadToAsync(url, part, file, deadline).ConfigureAwait(false);
            var downloaded = new byte[part.Length];
            part.Position = 0;
            part.ReadExactly(downloaded);
            var content = ToIdx(downloaded, url.AbsoluteUri, file);
            Checksum.Require(Checksum.Sha256(content), file.Sha256, url.AbsoluteUri, $"Nothing was saved to {destination}.");
            if (!Gzip.IsGzip(downloaded))
            {
                part.Position = 0;
                part.SetLength(0);
                part.Write(Gzip.Compress(content));
            }

            part.Flush(flushToDisk: true);
            if (OperatingSystem.IsWindows())
            {
                // Windows renames no file that is open without FileShare.Delete.
                part.Dispose();
            }

            // rename(2) replaces atomically: a concurrent reader sees either no file or a complete, verified one.
            File.Move(temp, destination, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not GenDataException)
        {
            throw new GenDataException($"{destination}: cannot store the download of {url}: {e.Message}", destination, e);
        }
        finally
        {
            part?.Dispose();
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    /// <summary>
    /// Deletes the <c>.part</c> files of earlier downloads of <paramref name="name"/> that no process holds open: those
    /// of a process that was killed (or crashed) before it could clean up. A download in progress holds its file
    /// locked, so it is left alone.
    /// </summary>
    private static void RemoveAbandonedParts(string folder, string name)
    {
        string[] parts;
        try
        {
            parts = Directory.GetFiles(folder, $".{name}.*{PartSuffix}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return; // the download itself will report a folder it cannot use
        }

        foreach (var path in parts)
        {
            try
            {
                // Taking the lock shows that no download holds the file. (A download that loses its file in the instant
                // between creating and locking it fails at the rename with an error; it never saves a wrong file.)
                new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None).Dispose();
                File.Delete(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // In use by another download, or already gone, or not ours to delete: not this download's concern.
            }
        }
    }

    private static async Task DownloadToAsync(Uri url, FileStream part, DataFile file, TimeSpan deadline)
    {
        var address = url.AbsoluteUri;
        var limit = file.DownloadLimit;
        if (url.IsFile)
        {
            // A published file the user already has (binarized MNIST's .amat text, say): converted and verified like a
            // download, and never modified.
            if (Gen.Runtime.FileKind.NotRegular(url.LocalPath) is { } kind)
            {
                throw new GenDataException($"{url.LocalPath}: {kind}, not a regular file; {file.RelativePath} is read from a regular file.", url.LocalPath);
            }

            try
            {
                using var local = new FileStream(url.LocalPath, FileMode.Open, FileAccess.Read, FileShare.Read);
                if (local.Length > limit)
                {
                    throw new GenDataException(
                        $"{url.LocalPath}: {local.Length} bytes, more than the {limit} that {file.RelativePath} can take in any form " +
                        $"({file.Describe(published: true)}); it is not this file.",
                        url.LocalPath);
                }

                await local.CopyToAsync(part).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not GenDataException)
            {
                throw new GenDataException($"{url.LocalPath}: cannot read it: {e.Message}", url.LocalPath, e);
            }
        }

        using var overall = new CancellationTokenSource(deadline);
        using var silence = new CancellationTokenSource(StallTimeout);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(overall.Token, silence.Token);
        long received = 0;
        long? announced = null;
        var answered = false;
        try
        {
            using var response = await SharedClient.Value.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, either.Token).ConfigureAwait(false);
            answered = true;
            if (!response.IsSuccessStatusCode)
            {
                throw new GenDataException($"{address}: the server answered {(int)response.StatusCode} {response.ReasonPhrase}.", address);
            }

            announced = response.Content.Headers.ContentLength;
            if (announced > limit)
            {
                throw new GenDataException(
                    $"{address}: the server announces {announced} bytes, more than the {limit} that {file.RelativePath} can take " +
                    $"in any form ({file.Describe(published: true)}); nothing was downloaded.",
                    address);
            }

            using var body = await response.Content.ReadAsStreamAsync(either.Token).ConfigureAwait(false);
            var buffer = new byte[1 << 16];
            while (true)
            {
                silence.CancelAfter(StallTimeout);
                var n = await body.ReadAsync(buffer, either.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                // Counted here, not trusted from Content-Length: a body without one, or longer than it says, stops at the limit.
                if (received + n > limit)
                {
                    throw new GenDataException(
                        $"{address}: the server sent more than the {limit} bytes that {file.RelativePath} can take in any form " +
                        $"({file.Describe(published: true)}); the download was stopped there and nothing was saved.",
                        address);
                }

                await part.WriteAsync(buffer.AsMemory(0, n), either.Token).ConfigureAwait(false);
                received += n;
            }
        }
        catch (Exception e) when (overall.IsCancellationRequested && e is OperationCanceledException or HttpRequestException or IOException && e is not GenDataException)
        {
            // Checked first: a read cancelled by the deadline may surface as an IOException too.
            throw new GenDataException(
                $"{address}: the download took longer than its limit of {deadline.TotalSeconds:0.###} s ({received} bytes received{Of(announced)}); " +
                "giving up, and nothing was saved. DataSource.WithDownloadTimeout sets the limit.",
                address,
                e);
        }
        catch (Exception e) when (e is HttpRequestException or IOException && e is not GenDataException)
        {
            throw new GenDataException(
                answered
                    ? $"{address}: the transfer was cut short after {received} bytes{Of(announced)}: {e.Message}"
                    : $"{address}: cannot download: {e.Message}",
                address,
                e);
        }
        catch (OperationCanceledException e)
        {
            throw new GenDataException($"{address}: no data for {StallTimeout.TotalSeconds:0} s after {received} bytes{Of(announced)}; giving up.", address, e);
        }

        if (announced is long expected && received != expected)
        {
            throw new GenDataException($"{address}: the transfer was cut short after {received} bytes{Of(announced)}.", address);
        }
    }

    private static string Of(long? announced) => announced is long n ? $" of the {n} announced" : string.Empty;

    /// <summary>The IDX content of a download: gzip is decompressed (no further than the file allows); text is read as binarized MNIST (.amat).</summary>
    private static byte[] ToIdx(byte[] downloaded, string source, DataFile file)
    {
        var allowed = $", more than {file.RelativePath} can hold ({file.Describe(published: true)})";
        var content = Gzip.DecompressIfGzip(downloaded, source, file.ContentLimit, allowed).Content;
        if (content.Length >= 4 && content[0] == 0 && content[1] == 0)
        {
            return content;
        }

        var text = content.AsSpan().TrimStart(" \t\r\n"u8);
        if (text.IsEmpty || text[0] is not ((byte)'0' or (byte)'1'))
        {
            // Typically an error page served with status 200.
            var start = text[..Math.Min(60, text.Length)].ToArray();
            var preview = new string(Array.ConvertAll(start, b => b is >= 32 and < 127 ? (char)b : '.'));
            throw new GenDataException(
                $"{source}: the content ({downloaded.Length} bytes) is neither gzip, IDX nor the text form of binarized MNIST; it begins \"{preview}\".",
                source);
        }

        return AmatText.ToIdx(content, source, side: 28);
    }
}
