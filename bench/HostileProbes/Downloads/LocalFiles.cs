using System;
using System.Collections.Generic;
using System.IO;
using Gen;
using Gen.Data;
using HostileProbes.Harness;

namespace HostileProbes.Downloads;

/// <summary>
/// Hostile files where the loaders look for data (the data folder, with downloads off) and given to <c>Idx.Read</c>:
/// gzip bombs, files past the size a declaration allows, a FIFO that no one writes, endless devices, a directory.
/// </summary>
internal static class LocalFiles
{
    private const string Stored = "mnist/t10k-images-idx3-ubyte.gz";

    public static IEnumerable<Probe> All()
    {
        yield return InDataFolder("a gzip bomb of 128 MiB in the data folder", path => File.WriteAllBytes(path, GzipBombs.OfZeros(2)), new[] { "7840016" },
            "File.WriteAllBytes(\"data/mnist/t10k-images-idx3-ubyte.gz\", /* two gzip members of 64 MiB of zeros */ bomb);");
        yield return InDataFolder("12 MB of raw bytes in the data folder (past the stored limit)", path => File.WriteAllBytes(path[..^3], new byte[12_000_000]), new[] { "9865556" },
            "File.WriteAllBytes(\"data/mnist/t10k-images-idx3-ubyte\", new byte[12_000_000]);", file: Stored[..^3]);
        yield return InDataFolder("a FIFO in the data folder", path => NamedPipe.Make(path), null, "mkfifo(\"data/mnist/t10k-images-idx3-ubyte.gz\", 0600);");
        yield return InDataFolder("a link to /dev/zero in the data folder", path => File.CreateSymbolicLink(path, "/dev/zero"), null,
            "File.CreateSymbolicLink(\"data/mnist/t10k-images-idx3-ubyte.gz\", \"/dev/zero\");");
        yield return InDataFolder("a directory in the data folder", path => Directory.CreateDirectory(path), null, "Directory.CreateDirectory(\"data/mnist/t10k-images-idx3-ubyte.gz\");");

        yield return IdxRead("a 1 GiB gzip bomb", folder =>
        {
            var path = Path.Combine(folder, "bomb.gz");
            File.WriteAllBytes(path, GzipBombs.OfZeros(16));
            return path;
        }, "File.WriteAllBytes(\"bomb.gz\", /* 16 gzip members of 64 MiB of zeros: 1 MiB */ bomb); Idx.Read(\"bomb.gz\");");
        yield return IdxRead("/dev/zero", _ => "/dev/zero", "Idx.Read(\"/dev/zero\");");
        yield return IdxRead("a FIFO", folder => NamedPipe.Make(Path.Combine(folder, "pipe")), "mkfifo(\"pipe\", 0600); Idx.Read(\"pipe\");");
    }

    private static Probe InDataFolder(string name, Action<string> plant, string[]? limit, string csharp, string file = Stored) => new(
        DownloadProbes.Category,
        name,
        () =>
        {
            var folder = WorkFolder.Fresh("data");
            var path = Path.Combine(folder, Stored);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            plant(path);
            var source = DataSource.At(folder).WithDownload(false);
            return () => DataJudge.Judge(() => Mnist.Load(MnistSplit.Test, Device.Cpu, source: source).Images.Dispose(), new[] { Path.Combine(folder, file) }, limit, null);
        },
        $"{csharp}\nMnist.Load(MnistSplit.Test, Device.Cpu, source: DataSource.At(\"data\").WithDownload(false));",
        Budgeted: false,
        TimeoutSeconds: 20);

    private static Probe IdxRead(string name, Func<string, string> make, string csharp) => new(
        DownloadProbes.Category,
        $"Idx.Read of {name}",
        () =>
        {
            var path = make(WorkFolder.Fresh("idx"));
            return () => DataJudge.Judge(() => Idx.Read(path), new[] { path }, null, null);
        },
        csharp,
        Budgeted: false,
        TimeoutSeconds: 20);
}
