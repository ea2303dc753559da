using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Gen;
using Gen.Data;
using HostileProbes.Harness;

namespace HostileProbes.Downloads;

/// <summary>
/// Category 3: a local server that misbehaves, used as the mirror of a download (the way the library's own tests point
/// a <see cref="DataSource"/> at one), with a 2 s download deadline; and hostile files in the data folder and given to
/// <c>Idx.Read</c>. MNIST's test images are asked for: the declaration (10,000 × 28 × 28) allows 7,840,016 bytes of
/// content and 9,865,556 bytes of download.
/// </summary>
internal static class DownloadProbes
{
    public const string Category = "downloads";

    public const string Description =
        "`Mnist.Load(MnistSplit.Test, ...)` with `DataSource.At(folder).WithMirror(server).WithDownloadTimeout(2 s)` against a server on 127.0.0.1 " +
        "(a raw socket, so that it can misbehave) that drips 1 byte every 2 s (with and without Content-Length), sends headers then nothing, accepts " +
        "and says nothing, sends an endless body without Content-Length, announces 10 GiB, sends fewer or more bytes than it announces, serves gzip " +
        "bombs (64 MiB and 1 GiB of zeros), answers 404, 500, a redirect loop or an HTML page, serves IDX of the wrong shape or content or cut short, " +
        "resets the connection before and during the body, answers with no HTTP at all, a 1 MiB header, a chunk of 2^64-1 bytes or endless chunks, " +
        "a negative or doubled Content-Length; or is not there. And hostile files in the data folder (a gzip bomb, a file past the stored limit, a " +
        "FIFO, a link to /dev/zero, a directory) and given to `Idx.Read` (a 1 GiB gzip bomb, /dev/zero, a FIFO). A clear error names the address " +
        "or file and, for a limit, the limit; the watchdog is 20 s.";

    private const string Images = "t10k-images-idx3-ubyte.gz";
    private const int Deadline = 2;

    public static IReadOnlyList<Probe> All()
    {
        var probes = new List<Probe>();
        void Serve(string name, Func<NetworkStream, Socket, CancellationToken, Task> answer, string[]? limit, string behaviour) =>
            probes.Add(Served(name, () => answer, limit, behaviour));

        // A body made before the act, so that the server's own allocations (a gzip bomb is made from 64 MiB of zeros) are not counted against the library.
        void ServeBody(string name, Func<byte[]> body, string[]? limit, string behaviour) =>
            probes.Add(Served(name, () =>
            {
                var bytes = body();
                return (s, _, t) => Body(s, bytes, t);
            }, limit, behaviour));

        var deadline = new[] { $"limit of {Deadline} s" };
        Serve("a server that drips 1 byte every 2 s, Content-Length 1000", async (s, _, t) => { await s.WriteAsync(HostileServer.Head(200, "OK", 1000), t); await Drip(s, t); }, deadline,
            "headers with Content-Length: 1000, then one byte every 2 s");
        Serve("a server that drips 1 byte every 2 s, no Content-Length", async (s, _, t) => { await s.WriteAsync(HostileServer.Head(200, "OK", null), t); await Drip(s, t); }, deadline,
            "headers without Content-Length, then one byte every 2 s");
        Serve("a server that sends headers then nothing", async (s, _, t) => { await s.WriteAsync(HostileServer.Head(200, "OK", 1000), t); await Task.Delay(-1, t); }, deadline,
            "headers, then silence");
        Serve("a server that accepts and says nothing", async (_, _, t) => await Task.Delay(-1, t), deadline, "no answer at all");
        Serve("an endless body without Content-Length", async (s, _, t) => await Endless(s, t), new[] { "9865556" }, "zeros without end, no Content-Length");
        Serve("Content-Length of 10 GiB", async (s, _, t) => { await s.WriteAsync(HostileServer.Head(200, "OK", 10L << 30), t); await Endless(s, t, head: false); }, new[] { $"{10L << 30}", "9865556" },
            "Content-Length: 10737418240, then zeros");
        Serve("1,000 bytes sent of 1,000,000 announced", async (s, _, t) => { await s.WriteAsync(HostileServer.Head(200, "OK", 1_000_000), t); await s.WriteAsync(new byte[1000], t); }, new[] { "1000000" },
            "Content-Length: 1000000, 1000 bytes, close");
        Serve("200,000 bytes sent, 100 announced", async (s, _, t) => { await s.WriteAsync(HostileServer.Head(200, "OK", 100), t); await s.WriteAsync(new byte[200_000], t); }, null,
            "Content-Length: 100, then 200000 bytes");
        ServeBody("a gzip bomb of 64 MiB", () => GzipBombs.OfZeros(1), new[] { "7840016" }, "a 64 KiB gzip of 64 MiB of zeros");
        ServeBody("a gzip bomb of 1 GiB", () => GzipBombs.OfZeros(16), new[] { "7840016" }, "16 gzip members of 64 MiB of zeros each (1 GiB)");
        Serve("404 Not Found", async (s, _, t) => await s.WriteAsync(HostileServer.Head(404, "Not Found", 0), t), new[] { "404" }, "404");
        Serve("500 Internal Server Error", async (s, _, t) => await s.WriteAsync(HostileServer.Head(500, "Internal Server Error", 0), t), new[] { "500" }, "500");
        Serve("a redirect to itself", async (s, _, t) => await s.WriteAsync(HostileServer.Head(302, "Found", 0, $"Location: /files/{Images}\r\n"), t), new[] { "302" },
            "302 with Location: itself");
        ServeBody("an HTML error page with status 200", () => Encoding.ASCII.GetBytes("<html><body>Service unavailable</body></html>"), new[] { "<html>" }, "200 and an HTML page");
        ServeBody("IDX of 10 x 28 x 28 (the wrong shape)", () => GzipBombs.Compress(GzipBombs.Idx(10, 28, 28)), null, "gzip of IDX 10 x 28 x 28");
        ServeBody("IDX of the right shape and the wrong content", () => GzipBombs.Compress(GzipBombs.Idx(10_000, 28, 28)), null, "gzip of IDX 10000 x 28 x 28, all zeros");
        ServeBody("gzip of the right shape cut in half", () => { var g = GzipBombs.Compress(GzipBombs.Idx(10_000, 28, 28)); return g[..(g.Length / 2)]; }, null,
            "the first half of a gzip of IDX 10000 x 28 x 28");
        Serve("a reset before any answer", (_, socket, _) => { HostileServer.Reset(socket); return Task.CompletedTask; }, null, "RST after the request");
        Serve("a reset in the middle of the body", async (s, socket, t) => { await s.WriteAsync(HostileServer.Head(200, "OK", 1_000_000), t); await s.WriteAsync(new byte[50_000], t); await s.FlushAsync(t); HostileServer.Reset(socket); },
            new[] { "50000", "cut short" }, "Content-Length: 1000000, 50000 bytes, RST");
        Serve("an answer that is not HTTP", async (s, _, t) => await s.WriteAsync(Encoding.ASCII.GetBytes("SSH-2.0-OpenSSH_9.2\r\n\r\n"), t), null, "an SSH banner");
        Serve("a 1 MiB header line", async (s, _, t) => await s.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nX-Padding: " + new string('a', 1 << 20) + "\r\n\r\n"), t), null,
            "a header line of 1 MiB");
        Serve("a chunk of 2^64-1 bytes", async (s, _, t) => { await s.WriteAsync(HostileServer.Head(200, "OK", null, "Transfer-Encoding: chunked\r\n"), t); await s.WriteAsync(Encoding.ASCII.GetBytes("FFFFFFFFFFFFFFFF\r\n"), t); await Endless(s, t, head: false); },
            null, "Transfer-Encoding: chunked, chunk size FFFFFFFFFFFFFFFF, zeros");
        Serve("endless chunks", async (s, _, t) => { await s.WriteAsync(HostileServer.Head(200, "OK", null, "Transfer-Encoding: chunked\r\n"), t); await EndlessChunks(s, t); }, new[] { "9865556" },
            "Transfer-Encoding: chunked, 64 KiB chunks without end");
        Serve("a Content-Length of -1", async (s, _, t) => { await s.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: -1\r\nConnection: close\r\n\r\n"), t); await s.WriteAsync(new byte[100], t); }, null,
            "Content-Length: -1");
        Serve("two different Content-Lengths", async (s, _, t) => { await s.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 10\r\nContent-Length: 10000000\r\nConnection: close\r\n\r\n"), t); await Endless(s, t, head: false); }, null,
            "Content-Length: 10 and Content-Length: 10000000");
        probes.Add(Probe.Of(Category, "nothing listening at the mirror", () =>
        {
            var folder = WorkFolder.Fresh("data");
            var mirror = HostileServer.Closed();
            return DataJudge.Judge(() => Load(folder, mirror), new[] { new Uri(mirror, Images).AbsoluteUri }, null, folder);
        }, $"Mnist.Load(MnistSplit.Test, Device.Cpu, source: DataSource.At(dir).WithMirror(/* a closed port */ new Uri(\"http://127.0.0.1:PORT/files/\")).WithDownloadTimeout(TimeSpan.FromSeconds({Deadline})));", budgeted: false, timeoutSeconds: 20));
        probes.AddRange(LocalFiles.All());
        return probes;
    }

    /// <summary>MNIST's test split from <paramref name="folder"/>, downloading from <paramref name="mirror"/> with the short deadline.</summary>
    public static void Load(string folder, Uri mirror) =>
        Mnist.Load(MnistSplit.Test, Device.Cpu, source: DataSource.At(folder).WithMirror(mirror).WithDownloadTimeout(TimeSpan.FromSeconds(Deadline))).Images.Dispose();

    private static Probe Served(string name, Func<Func<NetworkStream, Socket, CancellationToken, Task>> arrange, string[]? limit, string behaviour) => new(
        Category,
        name,
        () =>
        {
            var folder = WorkFolder.Fresh("data");
            var answer = arrange();
            var server = new HostileServer((stream, socket, _, stop) => answer(stream, socket, stop));
            return () =>
            {
                using (server)
                {
                    return DataJudge.Judge(() => Load(folder, server.BaseUri), new[] { new Uri(server.BaseUri, Images).AbsoluteUri }, limit, folder);
                }
            };
        },
        $"// a server on 127.0.0.1 that answers every request with: {behaviour}\n" +
        $"Mnist.Load(MnistSplit.Test, Device.Cpu, source: DataSource.At(dir).WithMirror(new Uri(\"http://127.0.0.1:PORT/files/\")).WithDownloadTimeout(TimeSpan.FromSeconds({Deadline})));",
        Budgeted: false,
        TimeoutSeconds: 20);

    private static async Task Drip(NetworkStream stream, CancellationToken stop)
    {
        while (true)
        {
            await stream.WriteAsync(new byte[] { 0 }, stop);
            await stream.FlushAsync(stop);
            await Task.Delay(2000, stop);
        }
    }

    private static async Task Endless(NetworkStream stream, CancellationToken stop, bool head = true)
    {
        if (head)
        {
            await stream.WriteAsync(HostileServer.Head(200, "OK", null), stop);
        }

        var zeros = new byte[64 << 10];
        while (true)
        {
            await stream.WriteAsync(zeros, stop);
        }
    }

    private static async Task EndlessChunks(NetworkStream stream, CancellationToken stop)
    {
        var chunk = Encoding.ASCII.GetBytes("10000\r\n").Concat(new byte[0x10000]).Concat(Encoding.ASCII.GetBytes("\r\n")).ToArray();
        while (true)
        {
            await stream.WriteAsync(chunk, stop);
        }
    }

    private static async Task Body(NetworkStream stream, byte[] body, CancellationToken stop)
    {
        await stream.WriteAsync(HostileServer.Head(200, "OK", body.Length), stop);
        await stream.WriteAsync(body, stop);
    }
}
