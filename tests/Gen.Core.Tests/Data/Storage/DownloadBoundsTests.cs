using System;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Threading;
using System.Threading.Tasks;
using Gen.Core.Tests.Data.Support;
using Gen.Data;
using Xunit;
using Xunit.Abstractions;

namespace Gen.Core.Tests.Data.Storage;

/// <summary>
/// Hostile servers and files: each is refused quickly, with little memory, by an error that names the file and the
/// limit, and leaves nothing behind. The sample's declaration (200 x 28 x 28, published as text) sets the limits.
/// The memory a refusal costs is read from process-wide counters, so these tests run alone, not beside others.
/// </summary>
[Collection(MemoryMeasurementCollection.Name)]
public class DownloadBoundsTests
{
    private const string Published = "binarized_mnist_sample.amat";
    private const string Stored = "binarized-mnist/sample-idx3-ubyte.gz";
    private const long MiB = 1 << 20;

    private readonly ITestOutputHelper output;

    public DownloadBoundsTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public void A_server_that_drips_bytes_is_cut_off_at_the_download_deadline()
    {
        // One byte every 100 ms never trips the 60 s silence limit; only a deadline on the whole download ends it. The
        // drip would last 20 s, so a refusal within 10 s shows the 0.3 s deadline cut it: a tighter wall-clock bound
        // timed the machine instead (1.001 s once, beside two single-thread training runs and four test projects).
        const int bytes = 200;
        using var server = new LocalHttpServer();
        using var dir = new TempDirectory();
        server.ServeStream(Published, async (stream, stop) =>
        {
            for (int i = 0; i < bytes; i++)
            {
                await stream.WriteAsync(new[] { (byte)'0' }, stop);
                await stream.FlushAsync(stop);
                await Task.Delay(100, stop);
            }
        }, announcedLength: bytes);
        var source = DataSource.At(dir.Path).WithMirror(server.BaseUri).WithDownloadTimeout(TimeSpan.FromMilliseconds(300));

        var (e, elapsed) = Refused(() => DataStore.Read(Samples.File(), source));

        Assert.Contains($"{new Uri(server.BaseUri, Published)}: the download took longer than its limit of 0.3 s", e.Message);
        Assert.Contains($"of the {bytes} announced", e.Message);
        Assert.Contains("DataSource.WithDownloadTimeout", e.Message);
        Assert.True(elapsed < TimeSpan.FromSeconds(10), $"refused after {elapsed}");
        Assert.Empty(dir.Files());
    }

    [Fact]
    public void The_download_timeout_has_a_documented_default_and_must_be_positive()
    {
        Assert.Equal(TimeSpan.FromMinutes(30), DataSource.Default.DownloadTimeout);
        Assert.Equal(DataSource.DefaultDownloadTimeout, DataSource.At("/data").DownloadTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), DataSource.Default.WithDownloadTimeout(TimeSpan.FromSeconds(5)).WithMirror(null).DownloadTimeout);
        Assert.Throws<ArgumentOutOfRangeException>(() => DataSource.Default.WithDownloadTimeout(TimeSpan.Zero));
    }

    [Fact]
    public void A_body_without_content_length_is_stopped_at_the_most_the_file_can_take()
    {
        // Up to 64 MiB with no Content-Length; the declaration allows about 0.6 MB in any form.
        using var server = new LocalHttpServer();
        using var dir = new TempDirectory();
        long sent = 0;
        server.ServeStream(Published, async (stream, stop) =>
        {
            var chunk = new byte[64 * 1024];
            for (long i = 0; i < 64 * MiB / chunk.Length; i++)
            {
                await stream.WriteAsync(chunk, stop);
                Interlocked.Add(ref sent, chunk.Length);
            }
        }, announcedLength: null);
        var file = Samples.File();

        var (e, elapsed) = Refused(() => DataStore.Read(file, DataSource.At(dir.Path).WithMirror(server.BaseUri)));

        Assert.Contains($"{new Uri(server.BaseUri, Published)}: the server sent more than the {file.DownloadLimit} bytes that {file.RelativePath} can take", e.Message);
        Assert.Contains("200 x 28 x 28 unsigned bytes", e.Message);
        Assert.True(elapsed < TimeSpan.FromSeconds(1), $"refused after {elapsed}");
        Assert.True(Interlocked.Read(ref sent) < 32 * MiB, $"the server got {Interlocked.Read(ref sent)} bytes out");
        Assert.Empty(dir.Files()); // no .part left behind
    }

    [Fact]
    public void A_content_length_above_the_most_the_file_can_take_is_refused_before_the_body_is_read()
    {
        using var server = new LocalHttpServer();
        using var dir = new TempDirectory();
        server.ServeStream(Published, async (stream, stop) =>
        {
            await stream.WriteAsync(new byte[100], stop);
            await Task.Delay(TimeSpan.FromSeconds(5), stop);
        }, announcedLength: 10L << 30);
        var file = Samples.File();

        var (e, elapsed) = Refused(() => DataStore.Read(file, DataSource.At(dir.Path).WithMirror(server.BaseUri)));

        Assert.Contains($"{new Uri(server.BaseUri, Published)}: the server announces {10L << 30} bytes, more than the {file.DownloadLimit} that {file.RelativePath} can take", e.Message);
        Assert.Contains("nothing was downloaded", e.Message);
        Assert.True(elapsed < TimeSpan.FromSeconds(1), $"refused after {elapsed}");
        Assert.Empty(dir.Files());
    }

    [Fact]
    public void A_gzip_bomb_from_a_mirror_is_decompressed_no_further_than_the_file_can_hold()
    {
        // 64 KiB that expand to 64 MiB: small enough to download, far larger than the content of 200 images.
        using var server = new LocalHttpServer();
        using var dir = new TempDirectory();
        var bomb = GzipOfZeros(64 * MiB, members: 1);
        server.Serve(Published, bomb);
        var file = Samples.File();
        Assert.True(bomb.Length < file.DownloadLimit);

        var (e, elapsed) = Refused(() => DataStore.Read(file, DataSource.At(dir.Path).WithMirror(server.BaseUri)));

        Assert.Contains($"{new Uri(server.BaseUri, Published)}: the gzip data ({bomb.Length} compressed bytes) decompresses to more than {file.ContentLimit} bytes, more than {file.RelativePath} can hold", e.Message);
        Assert.True(elapsed < TimeSpan.FromSeconds(1), $"refused after {elapsed}");
        Assert.Empty(dir.Files());
    }

    [Fact]
    public void A_gzip_bomb_in_the_data_directory_is_refused_naming_the_file_and_the_limit()
    {
        using var dir = new TempDirectory();
        var file = Samples.File();
        var source = DataSource.At(dir.Path).WithDownload(false);

        // 128 KiB that expand to 128 MiB: within the size a stored file may have, so decompression must stop itself.
        var bomb = GzipOfZeros(128 * MiB, members: 1);
        Assert.True(bomb.Length < file.StoredLimit);
        var path = dir.Write(Stored, bomb);
        var (e, elapsed) = Refused(() => DataStore.Read(file, source));
        Assert.Equal(path, e.Path);
        Assert.StartsWith($"{path}: the gzip data ({bomb.Length} compressed bytes) decompresses to more than {file.IdxBytes} bytes, more than {file.RelativePath} can hold (200 x 28 x 28 unsigned bytes", e.Message);
        Assert.True(elapsed < TimeSpan.FromSeconds(1), $"refused after {elapsed}");

        // 3 MB that expand to 3 GiB, as reported: refused by its size before anything is decompressed.
        bomb = GzipOfZeros(3L << 30, members: 192);
        File.WriteAllBytes(path, bomb);
        (e, elapsed) = Refused(() => DataStore.Read(file, source));
        Assert.Equal(path, e.Path);
        Assert.StartsWith($"{path}: {bomb.Length} bytes, more than the {file.StoredLimit} that {file.RelativePath} can take", e.Message);
        Assert.True(elapsed < TimeSpan.FromSeconds(1), $"refused after {elapsed}");
        Assert.Equal(bomb.Length, new FileInfo(path).Length); // the user's file is left as it was
    }

    [Fact]
    public void A_part_file_left_by_a_killed_download_is_removed_by_the_next_and_one_in_use_is_not()
    {
        using var server = new LocalHttpServer();
        using var dir = new TempDirectory();
        server.Serve(Published, Samples.AmatText());
        var abandoned = dir.Write($"binarized-mnist/.sample-idx3-ubyte.gz.99999.{Guid.NewGuid():N}.part", new byte[5 * MiB]);
        var inUse = dir.Write($"binarized-mnist/.sample-idx3-ubyte.gz.99998.{Guid.NewGuid():N}.part", new byte[10]);
        var unrelated = dir.Write("binarized-mnist/.other-idx3-ubyte.gz.99999.0.part", new byte[10]);

        using (new FileStream(inUse, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            // A download in progress holds its file so; it must survive another download of the same file.
            var array = DataStore.Read(Samples.File(), DataSource.At(dir.Path).WithMirror(server.BaseUri));
            Assert.Equal(Samples.Sha256, array.Sha256);
        }

        Assert.False(File.Exists(abandoned));
        Assert.True(File.Exists(inUse));
        Assert.True(File.Exists(unrelated));
    }

    [Fact]
    public async Task Two_downloads_of_one_file_at_once_both_succeed_and_leave_one_good_file()
    {
        // The slow one is still writing its .part when the fast one starts, cleans up and finishes.
        using var server = new LocalHttpServer();
        using var dir = new TempDirectory();
        var text = Samples.AmatText();
        var halfSent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var fastDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.ServeStream("slow/" + Published, async (stream, stop) =>
        {
            await stream.WriteAsync(text.AsMemory(0, text.Length / 2), stop);
            await stream.FlushAsync(stop);
            halfSent.SetResult();
            await fastDone.Task.WaitAsync(stop);
            await stream.WriteAsync(text.AsMemory(text.Length / 2), stop);
        }, announcedLength: text.Length);
        server.Serve(Published, text);
        var destination = Path.Combine(dir.Path, Stored);

        var slow = Task.Run(() => Downloader.Fetch(new Uri(server.BaseUri, "slow/" + Published), destination, Samples.File()));
        await halfSent.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Downloader.Fetch(new Uri(server.BaseUri, Published), destination, Samples.File());
        fastDone.SetResult();
        await slow.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(new[] { Stored }, dir.Files());
        Assert.Equal(Samples.Sha256, Gen.Data.Idx.Read(destination).Sha256);
    }

    // Runs a call that must fail, timing it and measuring what the process allocated and its peak working set meanwhile.
    private (GenDataException Error, TimeSpan Elapsed) Refused(Action call)
    {
        using var process = Process.GetCurrentProcess();
        var peakBefore = process.PeakWorkingSet64;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<GenDataException>(call);
        clock.Stop();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        process.Refresh();
        var peakGrowth = process.PeakWorkingSet64 - peakBefore;
        output.WriteLine($"refused in {clock.Elapsed.TotalMilliseconds:0} ms, {allocated / 1e6:0.0} MB allocated, peak working set +{peakGrowth / 1e6:0.0} MB: {e.Message.ReplaceLineEndings(" ")}");
        Assert.True(allocated < 100 * MiB, $"{allocated} bytes allocated to refuse: {e.Message}");
        Assert.True(peakGrowth < 100 * MiB, $"peak working set grew by {peakGrowth} bytes to refuse: {e.Message}");
        return (e, clock.Elapsed);
    }

    // Gzip members of zeros, concatenated (a valid gzip file): a tiny file that decompresses to total bytes.
    private static byte[] GzipOfZeros(long total, int members)
    {
        using var member = new MemoryStream();
        using (var gzip = new GZipStream(member, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var zeros = new byte[1 << 20];
            for (long left = total / members; left > 0; left -= zeros.Length)
            {
                gzip.Write(zeros, 0, (int)Math.Min(left, zeros.Length));
            }
        }

        var one = member.ToArray();
        var all = new byte[one.Length * members];
        for (int i = 0; i < members; i++)
        {
            one.CopyTo(all, i * one.Length);
        }

        return all;
    }
}

/// <summary>Tests that measure the whole process's allocations and peak working set, which tests running beside them would inflate.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasurementCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Process-wide memory measurements";
}
