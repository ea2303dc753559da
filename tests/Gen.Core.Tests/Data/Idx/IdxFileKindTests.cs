using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using Gen.Data;
using Xunit;

namespace Gen.Core.Tests.Data.Idx;

/// <summary>
/// Idx.Read refuses what is not a regular file before it opens it, and reads or decompresses no more than the header
/// announces: a FIFO, a device and a gzip bomb cost milliseconds and kilobytes.
/// </summary>
[Collection("Process-wide memory measurements")]
public sealed class IdxFileKindTests
{
    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int MakeFifo([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode);

    private static (GenDataException Error, TimeSpan Took, long Allocated) Refusal(string path)
    {
        long before = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<GenDataException>(() => Gen.Data.Idx.Read(path));
        return (e, clock.Elapsed, GC.GetTotalAllocatedBytes(precise: true) - before);
    }

    [Fact]
    public void A_fifo_is_refused_at_once_instead_of_waiting_for_a_writer()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // FIFOs are made with mkfifo(3)
        }

        var folder = Directory.CreateTempSubdirectory("gen-idx-fifo-").FullName;
        try
        {
            var path = Path.Combine(folder, "t10k-images-idx3-ubyte");
            Assert.Equal(0, MakeFifo(path, Convert.ToUInt32("600", 8)));
            var (e, took, _) = Refusal(path);
            Assert.Contains("a FIFO (named pipe)", e.Message);
            Assert.Equal(path, e.Path);
            Assert.True(took < TimeSpan.FromSeconds(2), $"took {took}");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_device_that_never_ends_is_refused()
    {
        if (!File.Exists("/dev/zero"))
        {
            return;
        }

        var (e, _, allocated) = Refusal("/dev/zero");
        Assert.Contains("a character device", e.Message);
        Assert.True(allocated < 10 << 20, $"allocated {allocated} bytes");
    }

    [Fact]
    public void A_gzip_file_that_expands_past_its_header_is_stopped_there()
    {
        // A valid header for one unsigned byte, then 256 MiB of zeros: a few hundred kilobytes compressed.
        var folder = Directory.CreateTempSubdirectory("gen-idx-bomb-").FullName;
        try
        {
            var path = Path.Combine(folder, "bomb-idx1-ubyte.gz");
            using (var file = File.Create(path))
            using (var gzip = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionLevel.SmallestSize))
            {
                gzip.Write(new byte[] { 0, 0, 8, 1, 0, 0, 0, 1, 7 });
                var zeros = new byte[1 << 20];
                for (int i = 0; i < 256; i++)
                {
                    gzip.Write(zeros);
                }
            }

            var (e, took, allocated) = Refusal(path);
            Assert.Contains("more than the 9 bytes its IDX header announces", e.Message);
            Assert.True(allocated < 32 << 20, $"allocated {allocated} bytes");
            Assert.True(took < TimeSpan.FromSeconds(2), $"took {took}");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_raw_file_longer_or_shorter_than_its_header_says_is_refused_before_its_data_is_read()
    {
        var folder = Directory.CreateTempSubdirectory("gen-idx-length-").FullName;
        try
        {
            var path = Path.Combine(folder, "sparse-idx1-ubyte");
            using (var file = File.Create(path))
            {
                file.Write(new byte[] { 0, 0, 8, 1, 0, 0, 0, 1, 7 });
                file.SetLength(1L << 30); // a sparse gigabyte after a header that announces one byte
            }

            var (e, _, allocated) = Refusal(path);
            Assert.Contains("IDX file too long", e.Message);
            Assert.True(allocated < 10 << 20, $"allocated {allocated} bytes");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
