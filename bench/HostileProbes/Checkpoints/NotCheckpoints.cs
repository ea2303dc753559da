using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Net.Sockets;
using System.Text;
using HostileProbes.Harness;

namespace HostileProbes.Checkpoints;

/// <summary>
/// Paths that do not name a checkpoint: directories, endless and empty devices, a pipe with no writer, symbolic-link
/// loops, sockets, files of other formats, /proc files, impossible paths, and a 1 GiB (sparse) file with a checkpoint's
/// header whose hash cannot match.
/// </summary>
internal static class NotCheckpoints
{
    public static IEnumerable<CheckpointCase> All()
    {
        var cases = new (string Name, Func<string, string> Make, string CSharp, bool Budgeted)[]
        {
            ("a directory", folder => folder, "var bad = Directory.CreateDirectory(\"bad.ckpt\").FullName;", true),
            ("/dev/zero", _ => "/dev/zero", "var bad = \"/dev/zero\";", true),
            ("/dev/null", _ => "/dev/null", "var bad = \"/dev/null\";", true),
            ("/dev/urandom", _ => "/dev/urandom", "var bad = \"/dev/urandom\";", true),
            ("a FIFO with no writer", folder => NamedPipe.Make(Path.Combine(folder, "bad.ckpt")), "mkfifo(\"bad.ckpt\", 0600); var bad = \"bad.ckpt\";", true),
            ("a symbolic-link loop", folder => Loop(folder), "File.CreateSymbolicLink(\"a\", \"b\"); File.CreateSymbolicLink(\"b\", \"a\"); var bad = \"a\";", true),
            ("a dangling symbolic link", folder => Link(Path.Combine(folder, "bad.ckpt"), Path.Combine(folder, "nowhere")), "File.CreateSymbolicLink(\"bad.ckpt\", \"nowhere\");", true),
            ("a symbolic link to /dev/zero", folder => Link(Path.Combine(folder, "bad.ckpt"), "/dev/zero"), "File.CreateSymbolicLink(\"bad.ckpt\", \"/dev/zero\");", true),
            ("a symbolic link to a directory", folder => Link(Path.Combine(folder, "bad.ckpt"), folder), "File.CreateSymbolicLink(\"bad.ckpt\", Directory.GetCurrentDirectory());", true),
            ("a Unix socket", folder => Socket(Path.Combine(folder, "bad.ckpt")), "new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified).Bind(new UnixDomainSocketEndPoint(\"bad.ckpt\"));", true),
            ("an empty file", folder => Write(folder, Array.Empty<byte>()), "File.WriteAllBytes(\"bad.ckpt\", new byte[0]);", true),
            ("a PNG file", folder => Write(folder, new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13 }), "File.WriteAllBytes(\"bad.ckpt\", /* a PNG signature and chunk length */ png);", true),
            ("a zip file (a PyTorch .pt)", folder => Write(folder, Zip()), "File.WriteAllBytes(\"bad.ckpt\", /* a zip archive with one entry */ zip);", true),
            ("the checkpoint gzip-compressed", folder => Write(folder, Gzip(SavedModels.Bytes(SavedModels.FlowWithOptimizer))), "File.WriteAllBytes(\"bad.ckpt\", gzip(File.ReadAllBytes(\"good.ckpt\")));", true),
            ("the spec's JSON text", folder => Write(folder, Encoding.UTF8.GetBytes(Specs.ValidSpecs.Named("flow").Json())), "File.WriteAllText(\"bad.ckpt\", ValidSpecs.Flow().ToJson());", true),
            ("/proc/self/status (a regular file of size 0)", _ => "/proc/self/status", "var bad = \"/proc/self/status\";", true),
            ("/proc/self/mem", _ => "/proc/self/mem", "var bad = \"/proc/self/mem\";", true),
            ("a path below a regular file", folder => Path.Combine(Write(folder, new byte[] { 1 }), "x"), "File.WriteAllBytes(\"bad.ckpt\", new byte[1]); var bad = \"bad.ckpt/x\";", true),
            ("a path of 5,000 characters", folder => Path.Combine(folder, new string('a', 5_000)), "var bad = new string('a', 5000);", true),
            ("a missing file", folder => Path.Combine(folder, "absent.ckpt"), "var bad = \"absent.ckpt\";", true),
            ("an empty path", _ => "", "var bad = \"\";", true),
            ("a path with a NUL character", folder => Path.Combine(folder, "bad\0.ckpt"), "var bad = \"bad\\0.ckpt\";", true),
            ("a sparse 1 GiB file with a checkpoint header and a wrong hash", Sparse, "/* a header describing a 1 GiB weights part, then a sparse file of that length (time grows with the file's size: not held to the 1 s budget) */", false),
        };
        foreach (var (name, make, csharp, budgeted) in cases)
        {
            // The sparse file takes seconds to hash (as any checkpoint of its size would): two readers show it.
            foreach (var reader in budgeted ? Reader.Every : new[] { Reader.Load, Reader.ReadSpec })
            {
                yield return new CheckpointCase(name, make, csharp, reader, budgeted, csharp.Contains("var bad", StringComparison.Ordinal) ? "bad" : "\"bad.ckpt\"");
            }
        }
    }

    private static string Write(string folder, byte[] bytes)
    {
        var path = Path.Combine(folder, "bad.ckpt");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static string Link(string path, string target)
    {
        File.CreateSymbolicLink(path, target);
        return path;
    }

    private static string Loop(string folder)
    {
        var a = Path.Combine(folder, "a");
        File.CreateSymbolicLink(a, Path.Combine(folder, "b"));
        File.CreateSymbolicLink(Path.Combine(folder, "b"), a);
        return a;
    }

    private static string Socket(string path)
    {
        // Bound and left bound: the socket file stays while this process lives.
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        Sockets.Add(socket);
        return path;
    }

    private static readonly List<Socket> Sockets = new();

    private static byte[] Zip()
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = zip.CreateEntry("archive/data.pkl").Open();
            entry.Write(new byte[100]);
        }

        return buffer.ToArray();
    }

    private static byte[] Gzip(byte[] bytes)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(bytes);
        }

        return buffer.ToArray();
    }

    private static string Sparse(string folder)
    {
        const long weights = 1L << 30;
        var path = Path.Combine(folder, "bad.ckpt");
        using var file = new FileStream(path, FileMode.CreateNew);
        file.Write(CheckpointBytes.Header(1, ~1, 0, weights, 0));
        file.SetLength(CheckpointBytes.HeaderSize + weights + CheckpointBytes.HashSize);
        return path;
    }
}
