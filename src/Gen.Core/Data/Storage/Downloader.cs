using System;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace Gen.Data;

/// <summary>
/// Downloads one data file, verifies the sha256 of its decompressed IDX content and only then gives it its final
/// name, by rename: a reader sees either no file or a complete, verified one, never a half-written file.
/// </summary>
internal static class Downloader
{
    /// <summary>How long a connection may stay silent (before the headers, or between two reads of the body).</summary>
    internal static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(60);

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
    /// that its IDX content has the sha256 <paramref name="sha256"/>. The content may be gzip-compressed or raw IDX,
    /// or binarized MNIST in its published text form (converted to IDX).
    /// </summary>
    /// <exception cref="GenDataException">The server cannot be reached or answers with an error, the transfer is cut short, or the checksum differs.</exception>
    public static void Fetch(Uri url, string destination, string sha256)
    {
        // Blocking here is safe: the HTTP stack and FetchAsync never resume on a captured context.
        FetchAsync(url, destination, sha256).GetAwaiter().GetResult();
    }

    private static async Task FetchAsync(Uri url, string destination, string sha256)
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

        var temp = Path.Combine(folder, $".{Path.GetFileName(destination)}.{Environment.ProcessId}.{Guid.NewGuid():N}.part");
        try
        {
            await DownloadToAsync(url, temp).ConfigureAwait(false);
            var downloaded = await File.ReadAllBytesAsync(temp).ConfigureAwait(false);
            var content = ToIdx(downloaded, url.AbsoluteUri);
            Checksum.Require(Checksum.Sha256(content), sha256, url.AbsoluteUri, $"Nothing was saved to {destination}.");
            if (!Gzip.IsGzip(downloaded))
            {
                using var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None);
                stream.Write(Gzip.Compress(content));
                stream.Flush(flushToDisk: true);
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
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    private static async Task DownloadToAsync(Uri url, string temp)
    {
        var address = url.AbsoluteUri;
        if (url.IsFile)
        {
            // A published file the user already has (binarized MNIST's .amat text, say): converted and verified like a
            // download, and never modified.
            try
            {
                File.Copy(url.LocalPath, temp);
                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new GenDataException($"{url.LocalPath}: cannot read it: {e.Message}", url.LocalPath, e);
            }
        }

        using var silence = new CancellationTokenSource(StallTimeout);
        long received = 0;
        long? announced = null;
        var answered = false;
        try
        {
            using var response = await SharedClient.Value.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, silence.Token).ConfigureAwait(false);
            answered = true;
            if (!response.IsSuccessStatusCode)
            {
                throw new GenDataException($"{address}: the server answered {(int)response.StatusCode} {response.ReasonPhrase}.", address);
            }

            announced = response.Content.Headers.ContentLength;
            using var body = await response.Content.ReadAsStreamAsync(silence.Token).ConfigureAwait(false);
            using var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            var buffer = new byte[1 << 16];
            while (true)
            {
                silence.CancelAfter(StallTimeout);
                var n = await body.ReadAsync(buffer, silence.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                await file.WriteAsync(buffer.AsMemory(0, n), silence.Token).ConfigureAwait(false);
                received += n;
            }

            file.Flush(flushToDisk: true);
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

    /// <summary>The IDX content of a download: gzip is decompressed; text is read as binarized MNIST (.amat).</summary>
    private static byte[] ToIdx(byte[] downloaded, string source)
    {
        var content = Gzip.DecompressIfGzip(downloaded, source).Content;
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
