using System;
using System.IO;
using HostileProbes.Harness;

namespace HostileProbes.Checkpoints;

/// <summary>
/// One hostile file and one way of reading it. <see cref="Make"/> writes the file into a fresh folder and returns the
/// path to read (which may name something that is not a regular file); <see cref="MakeCSharp"/> says the same in C#,
/// starting from "good.ckpt" saved as <see cref="SavedModels.Source"/> says and ending with the file "bad.ckpt" (or the
/// path in <see cref="PathCSharp"/>, a C# expression).
/// </summary>
internal sealed record CheckpointCase(string Name, Func<string, string> Make, string MakeCSharp, Reader Reader, bool Budgeted = true, string PathCSharp = "\"bad.ckpt\"")
{
    /// <summary>A case whose file is <paramref name="bytes"/>, made from the checkpoint <paramref name="saved"/>.</summary>
    public static CheckpointCase OfBytes(string name, string saved, Func<byte[]> bytes, string change, Reader reader, bool budgeted = true) => new(
        name,
        folder =>
        {
            var path = Path.Combine(folder, "bad.ckpt");
            File.WriteAllBytes(path, bytes());
            return path;
        },
        $"{SavedModels.Source(saved)}\nvar b = File.ReadAllBytes(\"good.ckpt\");\n{change}",
        reader,
        budgeted);

    public Probe ToProbe(string category) => new(
        category,
        $"{Name}, through {Reader.Name}",
        () =>
        {
            var path = Make(WorkFolder.Fresh("ckpt"));
            var read = Reader.Arrange(path);
            return () => CheckpointJudge.Judge(read, path, Reader == Reader.ReadSpec ? null : $"Accepted by {Reader.Name}: {Name}.");
        },
        $"{MakeCSharp}\n{Reader.CSharp(PathCSharp)}",
        Budgeted);
}
